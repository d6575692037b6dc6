// Command kontor-testsummary reads `go test -json` on standard input, prints each
// package's result and the output of every failed test, and ends with one line
// "N passed, N failed, N skipped". It exits 1 when a test or a package failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
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
	var passed, failed, skipped int
	output := map[string]*strings.Builder{} // package/test → output
	var failures []string
	pkgFailed := false
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Println(sc.Text()) // build errors arrive as plain text
			continue
		}
		key := e.Package + " " + e.Test
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
					fmt.Printf("?    %s [no test files]\n", e.Package)
				case "pass":
					fmt.Printf("ok   %s %.1fs\n", e.Package, e.Elapsed)
				default:
					fmt.Printf("FAIL %s %.1fs\n", e.Package, e.Elapsed)
				}
				if e.Action == "fail" {
					pkgFailed = true
					if b := output[key]; b != nil {
						failures = append(failures, fmt.Sprintf("--- %s\n%s", e.Package, b.String()))
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
		fmt.Print(f)
	}
	fmt.Printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if failed > 0 || pkgFailed {
		os.Exit(1)
	}
}
