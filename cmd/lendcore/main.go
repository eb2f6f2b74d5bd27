// Command lendcore is the command-line face of the lendcore library.
//
//	lendcore schedule --principal 100000 --rate 12% --term 12 --start 2026-01-15
//	lendcore run scenario.json
//	lendcore simulate --loans 10000 --months 24 --seed 1 --report portfolio.html
//	lendcore report --store sqlite:lend.db --from 2025-01-01 --to 2025-12-31 --out portfolio.html
//
// Each subcommand lives in its own file as a func(args, stdout, stderr) int
// and is listed in commands. Exit status: 0 success, 1 an I/O failure,
// 2 bad input (one line on stderr naming the flag or field).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands lists the subcommands in the order the usage shows them.
var commands = []command{
	{"schedule", "print the repayment schedule of a loan's terms", cmdSchedule},
	{"run", "replay a scenario file of dated loan events", cmdRun},
	{"simulate", "run the Engine over a synthetic P2P portfolio, day by day", cmdSimulate},
	{"report", "write the portfolio report (charts, or CSV/JSON) over a stored portfolio", cmdReport},
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run dispatches args[0] to its subcommand and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		return 2
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "lendcore: unknown command %q (try lendcore help)\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: lendcore <command> [flags]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nlendcore <command> -h shows the command's flags.")
}

// parseFlags parses a subcommand's flags. done is true when the command
// must stop with code: 0 after printing the usage for -h, 2 after one line
// on stderr naming a bad flag or an unexpected argument.
func parseFlags(fs *flag.FlagSet, args []string, name, synopsis string, stdout, stderr io.Writer) (code int, done bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "usage: lendcore %s %s\n\nflags:\n", name, synopsis)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return 0, true
		}
		fmt.Fprintf(stderr, "lendcore %s: %s\n", name, oneLine(err))
		return 2, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "lendcore %s: unexpected argument %q\n", name, fs.Arg(0))
		return 2, true
	}
	return 0, false
}
