package clitest_test

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/cli/clitest"
	"github.com/aquila-go/aquila/postgres/pgtest"
)

var pg = pgtest.New()

func TestMain(m *testing.M) { os.Exit(pg.Run(m)) }

func TestServeWaitReadyStop(t *testing.T) {
	addr := clitest.Addr(t)
	srv := clitest.Serve(t, cli.Service{Name: "probe"}, "-database-url", pg.URL(t, nil), "-addr="+addr, "-shutdown-delay", "0")
	if srv.URL != "http://"+addr {
		t.Fatalf("URL %s, want the -addr given, %s", srv.URL, addr)
	}
	srv.WaitReady(t, 30*time.Second)
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	if code := srv.Stop(); code != 0 || srv.Stop() != 0 {
		t.Fatalf("Stop: %d\n%s", code, srv.Logs())
	}
	if !strings.Contains(srv.Logs(), "msg=ready") || !strings.Contains(srv.Logs(), "http server stopped") {
		t.Errorf("logs:\n%s", srv.Logs())
	}
	if _, err := http.Get(srv.URL + "/healthz"); err == nil {
		t.Error("still answering after Stop")
	}
}
