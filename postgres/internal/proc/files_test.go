package proc

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func TestLogTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.log")
	f, offset, err := OpenLog(path)
	if err != nil {
		t.Fatal(err)
	}
	if offset != 0 {
		t.Fatalf("offset of a new log = %d", offset)
	}
	f.WriteString("old\n")
	f.Close()
	f, offset, err = OpenLog(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if offset != 4 {
		t.Fatalf("offset = %d, want 4", offset)
	}
	if got := LogTail(path, offset, 2); got != "" {
		t.Fatalf("tail of nothing = %q", got)
	}
	for i := range 5 {
		f.WriteString("line " + strconv.Itoa(i) + "\n")
	}
	want := "\n" + path + ":\n\tline 3\n\tline 4"
	if got := LogTail(path, offset, 2); got != want {
		t.Fatalf("LogTail = %q, want %q", got, want)
	}
	if got := LogTail(filepath.Join(t.TempDir(), "none"), 0, 2); got != "" {
		t.Fatalf("tail of a missing file = %q", got)
	}
}

func TestFreePort(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatalf("port %d not free: %v", port, err)
	}
	l.Close()
}

func TestCredential(t *testing.T) {
	var nilCred *Credential
	if err := nilCred.Chown("/nonexistent"); err != nil {
		t.Fatalf("nil Chown: %v", err)
	}
	dir := t.TempDir()
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	uid, gid, ok := FileOwner(fi)
	if !ok {
		t.Skip("file ownership unknown on this system")
	}
	owner := &Credential{Name: "owner", UID: uid, GID: gid}
	if !owner.CanTraverse(fi) {
		t.Fatalf("owner cannot traverse %s (%s)", dir, fi.Mode())
	}
	other := &Credential{Name: "other", UID: uid + 1, GID: gid + 1}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if fi, _ = os.Stat(dir); other.CanTraverse(fi) {
		t.Fatal("another user can traverse a 0700 directory")
	}
	if err := other.MakeTraversable(dir); err != nil {
		t.Fatal(err)
	}
	if fi, _ = os.Stat(dir); fi.Mode().Perm() != 0o711 || !other.CanTraverse(fi) {
		t.Fatalf("after MakeTraversable: %s", fi.Mode())
	}
	// ChownTree to the owner changes nothing, so it works without root.
	if err := os.WriteFile(filepath.Join(dir, "f"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := owner.ChownTree(dir); err != nil {
		t.Fatal(err)
	}
}

func TestLookupCredential(t *testing.T) {
	if _, err := LookupCredential("no-such-user-" + strconv.Itoa(os.Getpid())); err == nil {
		t.Fatal("found a user that does not exist")
	}
	c, err := LookupCredential("root")
	if err != nil {
		t.Skip(err)
	}
	if c.Name != "root" || c.UID != 0 {
		t.Fatalf("root = %+v", c)
	}
}
