package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/aquila-go/aquila/postgres/pglocal"
)

// startLocal starts (or reuses) the embedded server with its data in dir.
// When the process runs as root and dir lies under a directory the server's
// user cannot enter (a checkout in /root, say), it keeps the data in a
// directory of its own under the system temp directory instead, derived from
// dir so that the next run finds it again, and says so in the log.
func startLocal(ctx context.Context, dir string, log *slog.Logger) (*pglocal.Server, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	srv, err := pglocal.Start(ctx, pglocal.Config{Dir: abs, Logger: log})
	if !errors.Is(err, pglocal.ErrDirNotTraversable) {
		return srv, err
	}
	sum := sha256.Sum256([]byte(abs))
	alt := filepath.Join(os.TempDir(), "aquila-data-"+hex.EncodeToString(sum[:6]))
	log.Warn("data dir not reachable by the server user; using another location",
		"data_dir", abs, "using", alt, "reason", err.Error())
	return pglocal.Start(ctx, pglocal.Config{Dir: alt, Logger: log})
}
