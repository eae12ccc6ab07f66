package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// userHZ is the unit of the CPU times in /proc/PID/stat; Linux exposes them
// in USER_HZ, which is 100 on every architecture Go supports.
const userHZ = 100

// cpuSnapshot is the CPU time (user + system) used so far by each watched
// process: the server, the PostgreSQL backends of its database, and this
// process itself.
type cpuSnapshot struct {
	server  time.Duration
	backend map[int]time.Duration
	self    time.Duration
}

// cpuWatch says which processes to account for; zero values watch nothing.
type cpuWatch struct {
	serverPID int
	pgDB      string
}

func (w cpuWatch) snapshot() cpuSnapshot {
	s := cpuSnapshot{self: selfCPU()}
	if w.serverPID > 0 {
		s.server, _ = procCPU(w.serverPID)
	}
	if w.pgDB != "" {
		s.backend = backendsCPU(w.pgDB)
	}
	return s
}

// cpuUsed is the CPU time each group used between two snapshots. A backend
// that appeared in between counts in full; one that exited in between is
// lost (connection pools keep theirs open, so this is rare).
func cpuUsed(a, b cpuSnapshot) (server, backends, self time.Duration) {
	for pid, t := range b.backend {
		backends += t - a.backend[pid]
	}
	return b.server - a.server, backends, b.self - a.self
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU reads utime + stime of one process from /proc.
func procCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name is in parentheses and may hold spaces; the fields
	// after it start with the state (field 3), so utime and stime
	// (fields 14 and 15) are the 12th and 13th after the ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(ut+st) * time.Second / userHZ, true
}

// backendsCPU finds the PostgreSQL backends serving database db on this
// machine by their process title ("postgres: … USER DB HOST(PORT) state")
// and reads their CPU times.
func backendsCPU(db string) map[int]time.Duration {
	out := map[int]time.Duration{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile(d + "/cmdline")
		if err != nil || !isBackendOf(string(cmd), db) {
			continue
		}
		if t, ok := procCPU(pid); ok {
			out[pid] = t
		}
	}
	return out
}

func isBackendOf(title, db string) bool {
	title = strings.TrimRight(strings.ReplaceAll(title, "\x00", " "), " ")
	if !strings.HasPrefix(title, "postgres: ") {
		return false
	}
	f := strings.Fields(title)
	for i := 1; i+1 < len(f); i++ {
		if f[i] == db && strings.Contains(f[i+1], "(") {
			return true
		}
	}
	return false
}
