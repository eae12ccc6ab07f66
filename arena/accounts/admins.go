package accounts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
)

// Sign-in throttling: this many failures within the window, under either
// the account or the keyed address, refuse further attempts until the
// oldest of them leaves the window. A success clears both.
const (
	SignInMaxFailures = 5
	SignInWindow      = 15 * time.Minute
)

// setupTokenKey is the setting holding the first-run setup token.
const setupTokenKey = "admin_setup_token"

// Errors of the admin domain; their text is shown to people.
var (
	// ErrBadCredentials is the one answer for an unknown user and a wrong
	// password alike, so usernames cannot be probed.
	ErrBadCredentials = fault.New(fault.Unauthenticated, "The username or password is wrong.")
	// ErrAdminExists is a username already taken.
	ErrAdminExists = fault.New(fault.Invalid, "An admin with this username already exists.")
	// ErrBadUsername is a username outside the allowed shape.
	ErrBadUsername = fault.New(fault.Invalid, "A username is 2 to 64 letters, digits, dots, dashes or underscores.")
	// ErrSetupClosed is a first-run setup with a wrong or used token, or
	// after an admin exists.
	ErrSetupClosed = fault.New(fault.NotFound, "This setup link is not valid: it was used already or an admin exists. Sign in instead.")
)

// signInThrottled refuses a sign-in after too many failures, saying how
// long to wait.
func signInThrottled(retryAfter time.Duration) *fault.Error {
	mins := int(retryAfter.Round(time.Minute) / time.Minute)
	if mins < 1 {
		mins = 1
	}
	return fault.Throttle(fmt.Sprintf("Too many failed sign-ins. Wait %d minute(s) and try again.", mins), retryAfter)
}

var usernameRE = regexp.MustCompile(`^[A-Za-z0-9._-]{2,64}$`)

// CreateAdmin adds an admin after checking the username and the password
// policy, and records it in the audit log as done by actor. Usernames are
// kept in lower case: "Ana" and "ana" are one admin.
func (a *Service) CreateAdmin(ctx context.Context, actor, username, password string) (*models.Admin, error) {
	ad, err := newAdmin(username, password)
	if err != nil {
		return nil, err
	}
	if err := a.store.CreateAdmin(ctx, ad); err != nil {
		if errors.Is(err, models.ErrDuplicate) {
			return nil, ErrAdminExists
		}
		return nil, err
	}
	return ad, a.audit.Record(ctx, actor, "admin.create", ad.Username, nil, map[string]string{"username": ad.Username})
}

func newAdmin(username, password string) (*models.Admin, error) {
	username = strings.ToLower(username)
	if !usernameRE.MatchString(username) {
		return nil, ErrBadUsername
	}
	if err := CheckPassword(username, password); err != nil {
		return nil, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	return &models.Admin{Username: username, PasswordHash: hash}, nil
}

// dummyHash is verified against when the username is unknown, so that a
// sign-in takes as long whether or not the user exists.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword("not-a-real-password: " + rand.Text())
	if err != nil {
		panic(err)
	}
	return h
})

// SignIn checks a username and password, throttled per account and per
// addressKey (a keyed hash of the client address). It answers
// ErrBadCredentials for unknown users and wrong passwords alike, and a
// a Throttled fault.Error while too many recent attempts failed.
//
// The attempt is recorded as a failure before the password is checked and
// only cleared by a success, so attempts sent in parallel count against each
// other: no more than SignInMaxFailures guesses are ever in flight.
func (a *Service) SignIn(ctx context.Context, username, password, addressKey string) (*models.Admin, error) {
	now := a.now()
	username = strings.ToLower(username)
	keys := []string{"user:" + username, "addr:" + addressKey}
	attempt, err := a.store.RecordSignInFailure(ctx, now, keys...)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		n, oldest, err := a.store.SignInFailures(ctx, k, now.Add(-SignInWindow))
		if err != nil {
			return nil, err
		}
		if n > SignInMaxFailures { // this attempt included
			// A refused attempt guessed nothing, so it is not a failure:
			// it must not extend the lock-out.
			if err := a.store.DeleteSignInFailures(ctx, attempt); err != nil {
				return nil, err
			}
			return nil, signInThrottled(oldest.Add(SignInWindow).Sub(now))
		}
	}
	ad, err := a.store.AdminByUsername(ctx, username)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, err
	}
	hash := dummyHash()
	if ad != nil {
		hash = ad.PasswordHash
	}
	ok, err := VerifyPassword(hash, password)
	if err != nil {
		return nil, err
	}
	if ad == nil || !ok {
		return nil, ErrBadCredentials
	}
	if err := a.store.ClearSignInFailures(ctx, now.Add(-SignInWindow), keys...); err != nil {
		return nil, err
	}
	if err := a.store.MarkSignIn(ctx, ad.ID, now); err != nil {
		return nil, err
	}
	return ad, a.audit.Record(ctx, ad.Username, "admin.signin", ad.Username, nil, nil)
}

// Admin returns the admin with the id, or models.ErrNotFound.
func (a *Service) Admin(ctx context.Context, id uint) (*models.Admin, error) {
	return a.store.AdminByID(ctx, id)
}

// SetupToken returns the first-run token that lets the first admin be
// created in the browser, creating it once; ok is false when an admin
// exists already and no setup is needed. Replicas starting together agree
// on one token.
func (a *Service) SetupToken(ctx context.Context) (token string, ok bool, err error) {
	n, err := a.store.CountAdmins(ctx)
	if err != nil || n > 0 {
		return "", false, err
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", false, err
	}
	token, err = a.store.EnsureSetting(ctx, setupTokenKey, hex.EncodeToString(b))
	return token, err == nil, err
}

// SetupOpen reports whether token is the current first-run token and no
// admin exists yet.
func (a *Service) SetupOpen(ctx context.Context, token string) (bool, error) {
	if token == "" {
		return false, nil
	}
	n, err := a.store.CountAdmins(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	stored, found, err := a.store.Setting(ctx, setupTokenKey)
	if err != nil || !found {
		return false, err
	}
	return stored == token, nil
}

// CreateFirstAdmin creates the first admin with the setup token, which is
// used up by it; a wrong or used token, or an existing admin, is
// ErrSetupClosed.
func (a *Service) CreateFirstAdmin(ctx context.Context, token, username, password string) (*models.Admin, error) {
	if open, err := a.SetupOpen(ctx, token); err != nil || !open {
		if err == nil {
			err = ErrSetupClosed
		}
		return nil, err
	}
	ad, err := newAdmin(username, password)
	if err != nil {
		return nil, err
	}
	switch err := a.store.CreateFirstAdmin(ctx, setupTokenKey, token, ad); {
	case errors.Is(err, models.ErrNotFound):
		return nil, ErrSetupClosed
	case errors.Is(err, models.ErrDuplicate):
		return nil, ErrAdminExists
	case err != nil:
		return nil, err
	}
	return ad, a.audit.Record(ctx, "setup", "admin.create", ad.Username, nil, map[string]string{"username": ad.Username})
}
