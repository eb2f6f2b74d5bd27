package report

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/lendcore/lendcore/money"
)

func TestGroup(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "12": "12", "123": "123", "1234": "1,234", "123456": "123,456", "1234567.89": "1,234,567.89",
		"-1234": "-1,234", "-123": "-123", "1000000.00": "1,000,000.00",
	} {
		assert.Equal(t, want, group(in), in)
	}
}

func TestCompactMoney(t *testing.T) {
	for minor, want := range map[int64]string{
		0: "CNY 0.00", 99_999: "CNY 999.99", 100_000: "CNY 1.00 k", 41_815_000: "CNY 418.2 k",
		3_547_000_000: "CNY 35.47 M", -390_000_000: "CNY -3.90 M", 123_400_000_000: "CNY 1.23 bn",
	} {
		assert.Equal(t, want, compactMoney(money.New(minor, money.CNY)), "%d", minor)
	}
}
