package models

import (
	"encoding/binary"
	"encoding/hex"
	"time"
)

// IDAt is the 32-hex-digit id of a battle or voter made at t: the Unix
// second of t (8 digits), then 96 random bits from random (12 bytes, which
// must be unguessable, crypto/rand's, wherever the id is a handle).
//
// The time comes first so that ids made close together sort close
// together: every index keyed by a battle or voter id (the battles' and
// the votes' own, the voter's battles and votes) then takes new entries on
// its last few pages, which stay in PostgreSQL's buffers, instead of on a
// page anywhere in an index that at ten million votes is far larger than
// its buffers. The 96 random bits keep an id as hard to guess as it needs
// to be; the second an id was made says nothing its holder does not know.
func IDAt(t time.Time, random []byte) string {
	var b [16]byte
	binary.BigEndian.PutUint32(b[:4], uint32(t.Unix()))
	copy(b[4:], random)
	return hex.EncodeToString(b[:])
}
