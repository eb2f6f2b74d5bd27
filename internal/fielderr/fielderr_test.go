package fielderr

import "testing"

func TestFormat(t *testing.T) {
	fields := [][2]string{{"amount", "must be positive"}, {"value_date", "missing"}}
	got := Format("loan: invalid input", len(fields), func(i int) (string, string) { return fields[i][0], fields[i][1] })
	if want := "loan: invalid input: amount: must be positive; value_date: missing"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := Format("storage: invalid input", 0, nil); got != "storage: invalid input: " {
		t.Fatalf("no fields: got %q", got)
	}
}
