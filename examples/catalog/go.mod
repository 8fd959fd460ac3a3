module example.com/catalog

go 1.26

replace github.com/aquila-go/aquila => ../..
