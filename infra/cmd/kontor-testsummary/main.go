// Command kontor-testsummary reads `go test -json` on standard input, prints each
// package's result and the output of every failed test, and ends with one line
// "N passed, N failed, N skipped". It exits 1 when a test or a package failed. A
// test that started but never ended (the test binary died: a timeout's panic, a
// crash) counts as failed, with its output: that is where the reason is.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

func main() {
	os.Exit(summarize(os.Stdin, os.Stdout))
}

// summarize reads go test -json from in, writes the summary to w and returns the
// exit code.
func summarize(in io.Reader, w io.Writer) int {
	var passed, failed, skipped int
	output := map[string]*strings.Builder{} // package/test → output
	var failures []string
	running := map[string]bool{} // tests started and not ended
	pkgFailed := false
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Fprintln(w, sc.Text()) // build errors arrive as plain text
			continue
		}
		key := e.Package + " " + e.Test
		if e.Test != "" {
			switch e.Action {
			case "run":
				running[key] = true
			case "pass", "fail", "skip":
				delete(running, key)
			}
		}
		switch e.Action {
		case "output":
			b, ok := output[key]
			if !ok {
				b = &strings.Builder{}
				output[key] = b
			}
			b.WriteString(e.Output)
		case "pass", "fail", "skip":
			if e.Test == "" {
				switch e.Action {
				case "skip":
					fmt.Fprintf(w, "?    %s [no test files]\n", e.Package)
				case "pass":
					fmt.Fprintf(w, "ok   %s %.1fs\n", e.Package, e.Elapsed)
				default:
					fmt.Fprintf(w, "FAIL %s %.1fs\n", e.Package, e.Elapsed)
				}
				if e.Action == "fail" {
					pkgFailed = true
					if b := output[key]; b != nil {
						failures = append(failures, fmt.Sprintf("--- %s\n%s", e.Package, b.String()))
					}
					for k := range running {
						if test, ok := strings.CutPrefix(k, e.Package+" "); ok {
							failed++
							delete(running, k)
							out := ""
							if b := output[k]; b != nil {
								out = b.String()
							}
							failures = append(failures, fmt.Sprintf("--- FAIL %s %s (never ended: the test binary died)\n%s", e.Package, test, out))
						}
					}
				}
				continue
			}
			switch e.Action {
			case "pass":
				passed++
			case "skip":
				skipped++
			case "fail":
				failed++
				if b := output[key]; b != nil {
					failures = append(failures, fmt.Sprintf("--- FAIL %s %s\n%s", e.Package, e.Test, b.String()))
				}
			}
		}
	}
	sort.Strings(failures)
	for _, f := range failures {
		fmt.Fprint(w, f)
	}
	fmt.Fprintf(w, "%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if failed > 0 || pkgFailed {
		return 1
	}
	return 0
}
