// Command kontor-admin creates the first administrator of a deployment, once:
//
//	IDENTITY_TABLE=<table> AWS_REGION=eu-central-1 go run ./infra/cmd/kontor-admin -email admin@example.org
//
// It prints a temporary password that must be changed at the first sign-in. Running
// it again for the same address changes nothing.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"kontor/shared/identity"
	"kontor/shared/identity/identitywire"
)

func main() {
	email := flag.String("email", "", "email address of the administrator")
	lang := flag.String("lang", "de", "language of the administrator (de or en)")
	flag.Parse()
	if *email == "" {
		fmt.Fprintln(os.Stderr, "usage: kontor-admin -email ADDRESS [-lang de|en]  (needs IDENTITY_TABLE and AWS credentials)")
		os.Exit(2)
	}
	svc, _ := identitywire.MustService("kontor-admin", identitywire.Accounts)
	acc, pw, err := svc.CreateAdmin(context.Background(), identity.AdminInput{Email: *email, Language: *lang})
	switch {
	case errors.Is(err, identity.ErrEmailTaken):
		fmt.Fprintln(os.Stderr, "this address already has access; nothing was changed")
		os.Exit(1)
	case err != nil:
		fmt.Fprintln(os.Stderr, "create admin:", err)
		os.Exit(1)
	}
	fmt.Printf("administrator %s created.\ntemporary password (shown once, must be changed at first sign-in): %s\n", acc.ID, pw)
}
