package lifecycle_test

import "fmt"

func Example() {
	s, err := listing.Next("open", "expire")
	fmt.Println(s, err)
	_, err = listing.Next(s, "disburse")
	fmt.Println(err)
	// Output:
	// failed <nil>
	// listing: illegal transition: cannot disburse a listing that is failed
}
