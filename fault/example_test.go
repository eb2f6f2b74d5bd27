package fault_test

import (
	"errors"
	"fmt"

	"github.com/lendcore/lendcore/fault"
)

var ErrInvalidEntry = fault.New(fault.CodeInvalid, "loan: invalid entry")

func validate(amount int, key string) error {
	bad := &fault.Fields{Kind: ErrInvalidEntry}
	if amount <= 0 {
		bad.AddValue("amount", amount, "must be positive")
	}
	if key == "" {
		bad.Add("idempotency_key", "is missing")
	}
	return bad.Err()
}

func Example() {
	err := validate(-5, "")
	fmt.Println(err)
	fmt.Println(errors.Is(err, ErrInvalidEntry), fault.CodeOf(err))

	var bad *fault.Fields
	if errors.As(err, &bad) {
		for _, f := range bad.List {
			fmt.Printf("%s (%q): %s\n", f.Name, f.Value, f.Problem)
		}
	}
	// Output:
	// loan: invalid entry: amount: must be positive; idempotency_key: is missing
	// true invalid
	// amount ("-5"): must be positive
	// idempotency_key (""): is missing
}
