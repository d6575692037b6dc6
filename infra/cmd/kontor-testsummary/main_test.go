package main

import (
	"strings"
	"testing"
)

// A package whose binary died mid-test (go test's timeout panics inside the
// running test, which then never ends) shows that test as failed with its output.
func TestATestThatNeverEndedIsAFailureWithItsOutput(t *testing.T) {
	in := strings.Join([]string{
		`{"Action":"run","Package":"p","Test":"TestA"}`,
		`{"Action":"pass","Package":"p","Test":"TestA","Elapsed":1}`,
		`{"Action":"run","Package":"p","Test":"TestB"}`,
		`{"Action":"output","Package":"p","Test":"TestB","Output":"panic: test timed out after 10m0s\n"}`,
		`{"Action":"output","Package":"p","Output":"FAIL\tp\t600.1s\n"}`,
		`{"Action":"fail","Package":"p","Elapsed":600.1}`,
		`{"Action":"run","Package":"q","Test":"TestC"}`,
		`{"Action":"pass","Package":"q","Test":"TestC","Elapsed":1}`,
		`{"Action":"pass","Package":"q","Elapsed":1}`,
	}, "\n")
	var out strings.Builder
	if code := summarize(strings.NewReader(in), &out); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	got := out.String()
	for _, want := range []string{"FAIL p 600.1s", "--- FAIL p TestB (never ended", "panic: test timed out", "ok   q 1.0s", "2 passed, 1 failed, 0 skipped"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
}

// Everything passing exits 0.
func TestAllPassingExitsZero(t *testing.T) {
	in := `{"Action":"run","Package":"q","Test":"TestC"}
{"Action":"pass","Package":"q","Test":"TestC","Elapsed":1}
{"Action":"pass","Package":"q","Elapsed":1}`
	var out strings.Builder
	if code := summarize(strings.NewReader(in), &out); code != 0 || !strings.Contains(out.String(), "1 passed, 0 failed, 0 skipped") {
		t.Errorf("exit %d:\n%s", code, out.String())
	}
}
