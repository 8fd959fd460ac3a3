package main

//go:generate go tool -modfile=tools.mod sqlc generate
