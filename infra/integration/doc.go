// Package integration holds Kontor's end-to-end tests: every request goes through the
// local API gateway, the real authorizer and function binaries, and the AWS emulator,
// with the real AWS SDK for Go v2. Responses are checked against openapi.yaml.
package integration
