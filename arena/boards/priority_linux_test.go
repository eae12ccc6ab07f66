package boards

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestLowerPriority checks that background rating's threads run at nice 19
// and that the goroutine that lowered it keeps its thread (so no other
// goroutine inherits the priority).
func TestLowerPriority(t *testing.T) {
	got := make(chan string, 1)
	go func() {
		if !lowerPriority(slowNice) {
			t.Error("lowerPriority reported failure")
		}
		got <- threadNice(t, unix.Gettid())
	}()
	if nice := <-got; nice != "19" {
		t.Fatalf("a background thread runs at nice %s, want 19", nice)
	}
	if nice := threadNice(t, unix.Gettid()); nice == "19" {
		t.Fatal("the test's own thread was lowered too")
	}
}

// threadNice reads a thread's nice value from /proc (field 19 of stat).
func threadNice(t *testing.T, tid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/stat", tid))
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	return fields[16] // fields after the name start at stat's field 3
}
