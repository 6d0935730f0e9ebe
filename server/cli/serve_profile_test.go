package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestProfileOnSignal sends SIGUSR1 to the test process and checks a
// numbered profile appears with its goroutines and memory metrics. Nothing
// signals that the files are written, so their presence is polled,
// bounded by a deadline.
func TestProfileOnSignal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "heap")
	var log bytes.Buffer
	stop := profileOnSignal(context.Background(), path, &log)
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	metrics := path + ".1.metrics"
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if b, err := os.ReadFile(metrics); err == nil && strings.Contains(string(b), "/memory/classes/total:bytes") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s after SIGUSR1 (log: %q)", metrics, log.String())
		}
		<-tick.C
	}
	stop() // waits for the profile being written
	for _, f := range []string{path + ".1", path + ".1.goroutines"} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if log.Len() > 0 {
		t.Errorf("log: %q", log.String())
	}
}
