package arena

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPacerReleasesBothSidesTogether(t *testing.T) {
	p := &pacer{pace: Pace{Chars: 3}}
	p.add(0, "abcdef")
	if got := p.tick(); got != [2]string{} {
		t.Fatalf("released %q before side B began", got)
	}
	p.add(1, "xy")
	if got := p.tick(); got != [2]string{} {
		t.Fatalf("released %q while B had less than a step buffered", got)
	}
	p.add(1, "zé")
	if got, want := p.tick(), [2]string{"abc", "xyz"}; got != want {
		t.Fatalf("tick = %q, want %q", got, want)
	}
	p.finish(0)
	// A is done generating, B still generating with one rune buffered: wait.
	if got := p.tick(); got != [2]string{} {
		t.Fatalf("released %q while B was short", got)
	}
	p.finish(1)
	var all [2]string
	for !p.drained() {
		got := p.tick()
		all[0] += got[0]
		all[1] += got[1]
	}
	if d := cmp.Diff([2]string{"def", "é"}, all); d != "" {
		t.Errorf("rest (-want +got):\n%s", d)
	}
}

func TestPacerEmptySide(t *testing.T) {
	p := &pacer{pace: Pace{Chars: 4}}
	p.finish(1)
	p.add(0, "hello")
	if got := p.tick(); got[0] != "hell" || got[1] != "" {
		t.Fatalf("tick = %q", got)
	}
}
