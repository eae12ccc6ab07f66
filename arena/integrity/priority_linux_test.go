package integrity

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestLowerPriority checks that a report's thread runs at buildNice and
// that the goroutine that lowered it keeps its thread (so no other
// goroutine inherits the priority).
func TestLowerPriority(t *testing.T) {
	got := make(chan string, 1)
	go func() {
		lowerPriority(buildNice)
		got <- threadNice(t, unix.Gettid())
	}()
	if nice, want := <-got, fmt.Sprint(buildNice); nice != want {
		t.Fatalf("a report's thread runs at nice %s, want %s", nice, want)
	}
	if nice := threadNice(t, unix.Gettid()); nice == fmt.Sprint(buildNice) {
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
	return strings.Fields(s[strings.LastIndexByte(s, ')')+2:])[16]
}
