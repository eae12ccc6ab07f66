package arena

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/arena/lifecycle"
	"openarena.dev/arena/models"
)

// Lifecycle actions an admin may take on a contender.
const (
	ActionRetire    = "retire"
	ActionSuspend   = "suspend"
	ActionReinstate = "reinstate"
)

// maxStatusReason bounds the reason stored with a status.
const maxStatusReason = 500

// SetLifecycle retires, suspends or reinstates the contender with that
// slug, with a reason (required to retire or suspend). The change is
// audited under actor and written to the public changelog. A retired or
// suspended contender is sampled for no new battle in any mode; its votes
// stay in the ratings, so the board keeps its last score.
func (a *Arena) SetLifecycle(ctx context.Context, actor, slug, action, reason string) (*models.Contender, error) {
	reason = strings.TrimSpace(reason)
	if len(reason) > maxStatusReason {
		return nil, fault.Invalidf("The reason is limited to %d characters.", maxStatusReason)
	}
	c, err := a.contender(ctx, slug)
	if err != nil {
		return nil, err
	}
	status, kind, err := lifecycleTarget(c, action, reason)
	if err != nil {
		return nil, err
	}
	at := a.now()
	if err := a.store.SetContenderStatus(ctx, c.ID, status, reason, at); err != nil {
		return nil, err
	}
	before := map[string]string{"status": c.Status, "reason": c.StatusReason}
	after := *c
	after.Status, after.StatusReason, after.StatusAt = status, reason, nil
	if status != "" {
		after.StatusAt = &at
	}
	a.contendersChanged()
	if err := a.Audit(ctx, actor, "contender."+action, contenderTarget(slug), before,
		map[string]string{"status": status, "reason": reason}); err != nil {
		return &after, err
	}
	return &after, a.logChange(ctx, kind, slug, status, changeText(c, kind, reason))
}

// lifecycleTarget checks that action applies to c and returns the status
// it stores and the changelog kind it writes.
func lifecycleTarget(c *models.Contender, action, reason string) (status, kind string, err error) {
	switch action {
	case ActionRetire, ActionSuspend:
		status, kind = lifecycle.Retired, models.ChangeModelRetired
		if action == ActionSuspend {
			status, kind = lifecycle.Suspended, models.ChangeModelSuspended
		}
		if reason == "" {
			return "", "", fault.Newf(fault.Invalid, "Say why %s is %s: the reason is shown on the public changelog.", c.Slug, status)
		}
		if c.Status == status {
			return "", "", fault.Newf(fault.Conflict, "%s is already %s.", c.Slug, status)
		}
		return status, kind, nil
	case ActionReinstate:
		if c.Status == "" {
			return "", "", fault.Newf(fault.Conflict, "%s is neither retired nor suspended.", c.Slug)
		}
		return "", models.ChangeModelReinstated, nil
	}
	return "", "", fault.Invalidf("%q is not a lifecycle action: use retire, suspend or reinstate.", action)
}

// changeText is the changelog's sentence for a lifecycle change.
func changeText(c *models.Contender, kind, reason string) string {
	var s string
	switch kind {
	case models.ChangeModelRetired:
		s = fmt.Sprintf("%s retired: no new battles; its last score stays on the board behind \"show retired\".", c.DisplayName)
	case models.ChangeModelSuspended:
		s = fmt.Sprintf("%s suspended: no new battles; shown as suspended on the board.", c.DisplayName)
	default:
		s = fmt.Sprintf("%s reinstated (it was %s): it takes part in new battles again.", c.DisplayName, c.Status)
	}
	if reason != "" {
		s += " Reason: " + reason
	}
	return s
}

// logContenderAdded writes a new contender to the changelog.
func (a *Arena) logContenderAdded(ctx context.Context, c *models.Contender) error {
	return a.logChange(ctx, models.ChangeModelAdded, c.Slug, "",
		fmt.Sprintf("%s added (%s).", c.DisplayName, cmp.Or(c.Organization, "organisation not stated")))
}

// logWeightChange writes a changed sampling weight to the changelog.
func (a *Arena) logWeightChange(ctx context.Context, before, after *models.Contender) error {
	if before.Weight == after.Weight {
		return nil
	}
	w := strconv.FormatFloat(after.Weight, 'g', -1, 64)
	return a.logChange(ctx, models.ChangeModelWeight, after.Slug, w, fmt.Sprintf("%s: sampling weight changed from %s to %s.",
		after.DisplayName, strconv.FormatFloat(before.Weight, 'g', -1, 64), w))
}
