module github.com/lendcore/lendcore

go 1.26

require (
	github.com/google/uuid v1.6.0 // indirect
	github.com/rickb777/date v1.21.1 // indirect
	github.com/rickb777/plural v1.4.2 // indirect
	github.com/shopspring/decimal v1.4.0 // indirect
	github.com/stretchr/testify v1.11.1 // indirect
)
