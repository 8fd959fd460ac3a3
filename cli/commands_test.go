package cli_test

import (
	"strings"
	"testing"
)

func TestMigrateStatusVersionDown(t *testing.T) {
	svc := fixture(t)
	dsn := pg.URL(t, nil)
	migrate := func(args ...string) (int, string) {
		code, out, errb := run(svc, append([]string{"migrate", "-database-url", dsn}, args...)...)
		return code, out + errb
	}
	if code, out := migrate("status"); code != 0 || !strings.Contains(out, "00001_shop.sql") || !strings.Contains(out, "pending") {
		t.Fatalf("status before up: exit %d\n%s", code, out)
	}
	if code, out := migrate("up"); code != 0 || !strings.Contains(out, "OK   00001_shop.sql") {
		t.Fatalf("up: exit %d\n%s", code, out)
	}
	if code, out := migrate("status"); code != 0 || !strings.Contains(out, "applied") {
		t.Fatalf("status after up: exit %d\n%s", code, out)
	}
	if code, out := migrate("version"); code != 0 || strings.TrimSpace(out) != "1" {
		t.Fatalf("version: exit %d %q", code, out)
	}
	if code, out := migrate("up"); code != 0 || !strings.Contains(out, "no migrations to apply") {
		t.Fatalf("second up: exit %d\n%s", code, out)
	}
	if code, out := migrate("down"); code != 0 {
		t.Fatalf("down: exit %d\n%s", code, out)
	}
	if code, out := migrate("version"); code != 0 || strings.TrimSpace(out) != "0" {
		t.Fatalf("version after down: exit %d %q", code, out)
	}
	if code, _ := migrate("sideways"); code != 2 {
		t.Fatalf("unknown subcommand: exit %d, want 2", code)
	}
	if code, _ := migrate(); code != 2 {
		t.Fatalf("no subcommand: exit %d, want 2", code)
	}
	if code, _ := migrate("up", "extra"); code != 2 {
		t.Fatalf("up with an argument: exit %d, want 2", code)
	}
}

func TestBadFlagsAndEnv(t *testing.T) {
	svc := fixture(t)
	if code, _, _ := run(svc, "serve", "-max-conns", "lots"); code != 2 {
		t.Fatalf("bad flag: exit %d", code)
	}
	if code, _, errb := run(svc, "serve", "-h"); code != 0 || !strings.Contains(errb, "(env SHOP_ADDR)") || !strings.Contains(errb, "(env DATABASE_URL)") {
		t.Fatalf("serve -h: exit %d, stderr %q", code, errb)
	}
	t.Setenv("SHOP_MIN_IDLE_CONNS", "many")
	if code, _, errb := run(svc, "serve"); code != 2 || !strings.Contains(errb, "SHOP_MIN_IDLE_CONNS") {
		t.Fatalf("bad env: exit %d, stderr %q", code, errb)
	}
	if code, _, _ := run(svc, "frobnicate"); code != 2 {
		t.Fatalf("unknown command: exit %d", code)
	}
	if code, _, _ := run(svc); code != 2 {
		t.Fatalf("no command: exit %d", code)
	}
	if code, out, _ := run(svc, "version"); code != 0 || !strings.HasPrefix(out, "shop ") {
		t.Fatalf("version: exit %d %q", code, out)
	}
	if code, out, _ := run(svc, "help"); code != 0 || !strings.Contains(out, "SHOP_*") || !strings.Contains(out, "migrate") {
		t.Fatalf("help: exit %d %q", code, out)
	}
}
