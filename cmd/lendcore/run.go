package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/scenario"
)

// runUsage is the help text of `lendcore run`.
const runUsage = `usage: lendcore run scenario.json

Replays a declarative scenario (terms, policies, dated events) through the
lendcore Engine on an in-memory store and prints a JSON document at every
"report" event: the loan's position and, once available, its bucket, grade
and stage, collection stage, reminders and actions, collateral coverage,
limitation expiry and investors' positions. The format is described in
docs/scenarios.md. Exit status: 0 success, 1 I/O failure, 2 bad scenario
(one line on stderr per bad field, naming it).`

// cmdRun is the `lendcore run` subcommand: args are the arguments after
// "run". It returns the process exit status.
func cmdRun(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprintln(stdout, runUsage)
		return 0
	}
	if len(args) != 1 {
		fmt.Fprintln(stderr, runUsage)
		return 2
	}
	rep, err := runScenario(args[0])
	var bad *fault.Fields
	switch {
	case errors.As(err, &bad):
		for _, f := range bad.List {
			fmt.Fprintf(stderr, "lendcore run: %s: %s\n", f.Name, oneLine(errors.New(f.Problem)))
		}
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "lendcore run: %s\n", oneLine(err))
		return 1
	}
	if err := rep.WriteJSON(stdout); err != nil {
		fmt.Fprintf(stderr, "lendcore run: %v\n", err)
		return 1
	}
	return 0
}

// runScenario loads and runs the scenario file at path.
func runScenario(path string) (*scenario.Report, error) {
	sc, err := scenario.Load(path)
	if err != nil {
		return nil, err
	}
	return sc.Run(context.Background(), scenario.Options{})
}

// oneLine keeps an error message on a single line.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }
