// Command kontor-local runs Kontor on this machine without AWS or Docker:
//
//	kontor-local run [-api ADDR] [-moto ADDR] the whole stack on 127.0.0.1:3000 (make run)
//	kontor-local invoke -fn ID -event FILE    one function on one event (make invoke)
//	kontor-local build [-out .aws-sam/build]  the deployable arm64 artifacts (make build)
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"kontor/infra/local"
	"kontor/infra/standin"
	"kontor/shared/identity/identitywire"
	"kontor/web"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = run(os.Args[2:])
	case "invoke":
		err = invoke(os.Args[2:])
	case "build":
		err = build(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kontor-local:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: kontor-local run | invoke -fn LogicalId -event FILE | build [-out DIR]")
	os.Exit(2)
}

func run(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	api := fs.String("api", "127.0.0.1:3000", "address of the local API")
	moto := fs.String("moto", "127.0.0.1:4566", "address of the AWS emulator")
	motoLog := fs.String("moto-log", "", "file for the emulator's own output (default .build/local/moto.log, moto-<port>.log when not on port 4566)")
	quiet := fs.Bool("quiet", false, "do not print the functions' logs")
	operator := fs.String("operator", os.Getenv("KONTOR_OPERATOR"), "the template parameter "+web.OperatorParameter+" (JSON; docs/local.md) for the privacy notice and the imprint; default $KONTOR_OPERATOR")
	_ = fs.Parse(args)
	if _, err := web.ParseOperator(*operator); err != nil {
		return err
	}
	params := map[string]string{}
	if *operator != "" {
		params[web.OperatorParameter] = *operator
	}
	if *motoLog == "" {
		*motoLog = filepath.Join(".build", "local", "moto.log")
		if _, port, _ := net.SplitHostPort(*moto); port != "4566" {
			*motoLog = filepath.Join(".build", "local", "moto-"+port+".log")
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The terminal shows Kontor's own logs: the functions' and the stack's. The
	// emulator's access log (a line per call, several a second while idle) goes to
	// its file.
	logs := os.Stdout
	if *quiet {
		logs = nil
	}
	fmt.Println("kontor-local: starting moto, creating resources from template.yaml, building functions…")
	s, err := local.Start(ctx, local.Options{
		APIAddr: *api, MotoAddr: *moto, MotoLog: *motoLog, Schedules: true, Logs: logs,
		StandIns:   standin.All(),
		Parameters: params,
		Seed: func(ctx context.Context, s *local.Stack) error {
			cfg, err := s.AWSConfig(ctx)
			if err != nil {
				return err
			}
			_, err = identitywire.SeedLocalAdmin(ctx, cfg, s.Name("IdentityTable"))
			return err
		},
	})
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Printf(`
Kontor is running.
  API            %[1]s   (every HttpApi route of template.yaml)
  sent mail      %[1]s/_local/mail
  functions      %[1]s/_local/functions
  schedules      curl -X POST %[1]s/_local/schedules/MailOutboxFunction
  AWS emulator   %[2]s   (AWS_ENDPOINT_URL for the AWS CLI or SDKs)
  emulator log   %[5]s   (moto server's own output; not shown here)

Stand-ins (what the deployed stack finds outside itself):
%[6]s
Sign in as the local administrator: %[3]s / %[4]s
  curl -c jar -b jar %[1]s/v1/csrf
  curl -c jar -b jar -H "X-CSRF-Token: $(awk '$6=="__Host-kontor-csrf"{print $7}' jar)" \
       -H 'Content-Type: application/json' \
       -d '{"email":"%[3]s","password":"%[4]s"}' %[1]s/v1/sessions

Ctrl-C stops everything.
`, s.APIURL, s.EndpointURL, identitywire.LocalAdminEmail, identitywire.LocalAdminPassword, relative(s.MotoLog()), standInLines(s))
	<-ctx.Done()
	fmt.Println("\nkontor-local: stopping…")
	return nil
}

// standInLines lists the stack's stand-ins, one line each, as they describe
// themselves.
func standInLines(s *local.Stack) string {
	var b strings.Builder
	for _, si := range s.StandIns() {
		fmt.Fprintf(&b, "  %-14s %s\n", si.Name, si.Banner)
	}
	return b.String()
}

// relative returns path relative to the working folder when it lies below it.
func relative(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return path
}

func invoke(args []string) error {
	fs := flag.NewFlagSet("invoke", flag.ExitOnError)
	fn := fs.String("fn", "", "logical id of the function in template.yaml")
	event := fs.String("event", "", "event file (JSON)")
	_ = fs.Parse(args)
	if *fn == "" || *event == "" {
		usage()
	}
	payload, err := os.ReadFile(*event)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := local.Start(ctx, local.Options{APIAddr: "127.0.0.1:0", MotoAddr: "127.0.0.1:0", Logs: os.Stderr, StandIns: standin.All()})
	if err != nil {
		return err
	}
	defer s.Close()
	out, err := s.Invoke(ctx, *fn, payload)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

func build(args []string) error {
	fs := flag.NewFlagSet("build", flag.ExitOnError)
	out := fs.String("out", filepath.Join(".aws-sam", "build"), "output folder")
	_ = fs.Parse(args)
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	if err := local.BuildForDeploy(context.Background(), wd, *out); err != nil {
		return err
	}
	fmt.Println("built", *out)
	return nil
}
