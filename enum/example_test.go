package enum_test

import (
	"encoding/json"
	"fmt"
)

func Example() {
	var g Grade
	err := json.Unmarshal([]byte(`"special-mention"`), &g)
	fmt.Println(g, err)
	err = json.Unmarshal([]byte(`"substandard"`), &g)
	fmt.Println(err)
	// Output:
	// special-mention <nil>
	// classify: invalid input: grade: unknown grade "substandard"; want one of: normal, special-mention
}
