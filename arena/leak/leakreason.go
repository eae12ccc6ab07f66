package leak

import (
	"fmt"

	"openarena.dev/arena/models"
)

// identityOf lists the names by which a contender could give itself away.
func IdentityOf(c *models.Contender) Identity {
	return Identity{Slug: c.Slug, DisplayName: c.DisplayName, Organization: c.Organization, Aliases: c.Aliases}
}

// leakReason explains why a vote on these answers would not count, or is
// empty when neither answer names its own model.
func Reason(ra, rb models.Response) string {
	if term, ok := Detect(ra.Text, IdentityOf(ra.Contender)); ok {
		return fmt.Sprintf("Answer A named its own model or maker (%q), so the vote is stored but not counted.", term)
	}
	if term, ok := Detect(rb.Text, IdentityOf(rb.Contender)); ok {
		return fmt.Sprintf("Answer B named its own model or maker (%q), so the vote is stored but not counted.", term)
	}
	return ""
}
