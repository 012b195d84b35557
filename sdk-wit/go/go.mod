module nylon/sdk

go 1.24
