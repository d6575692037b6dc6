// Package browsertest drives the portal's pages in a real headless Chromium
// against the real local stack (infra/local with every stand-in, as `make run`),
// as a person would: in German and English, with the mailed links from the local
// mail list, by keyboard only, with axe-core on every page state. The tests live
// in its _test files; `make setup` installs the browser and axe-core.
package browsertest
