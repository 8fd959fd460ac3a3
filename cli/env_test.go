package cli_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestEveryFlagHasAnEnvironmentFallback holds the package doc to its word:
// every flag of every command and migrate subcommand listed in the usage
// texts names the environment variable it falls back to.
func TestEveryFlagHasAnEnvironmentFallback(t *testing.T) {
	svc := fixture(t)
	_, help, _ := run(svc, "help")
	_, list, _ := strings.Cut(help, "Commands:\n")
	list, _, _ = strings.Cut(list, "\n\n")
	var cmds [][]string
	for _, m := range regexp.MustCompile(`(?m)^  (\w+) `).FindAllStringSubmatch(list, -1) {
		cmds = append(cmds, []string{m[1]})
	}
	_, _, migrateHelp := run(svc, "migrate", "-h")
	synopsis, _, _ := strings.Cut(migrateHelp, "\n")
	_, subs, ok := strings.Cut(synopsis, "migrate [flags] ")
	if len(cmds) < 5 || !ok {
		t.Fatalf("cannot read the commands from the usage texts:\n%s\n%s", help, migrateHelp)
	}
	for _, sub := range strings.Split(subs, " | ") {
		cmds = append(cmds, []string{"migrate", strings.Fields(sub)[0]})
	}
	flagLine := regexp.MustCompile(`(?m)^  -(\S+).*\n((?:    .*\n)+)`)
	seen := 0
	for _, cmd := range cmds {
		code, _, usage := run(svc, append(cmd, "-h")...)
		if code != 0 {
			t.Errorf("%s -h: exit %d\n%s", cmd, code, usage)
			continue
		}
		for _, m := range flagLine.FindAllStringSubmatch(usage, -1) {
			seen++
			if !strings.Contains(m[2], "(env ") {
				t.Errorf("%s -%s names no environment variable:\n%s", strings.Join(cmd, " "), m[1], m[2])
			}
		}
	}
	if seen < 20 {
		t.Errorf("only %d flags found in the usage texts of %v", seen, cmds)
	}
}
