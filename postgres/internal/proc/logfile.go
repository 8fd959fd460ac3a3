package proc

import (
	"bytes"
	"io"
	"os"
	"strings"
)

// maxTailBytes bounds how much of a log LogTail reads.
const maxTailBytes = 1 << 20

// OpenLog opens path for appending, creating it readable by its owner only,
// and returns its current size: where the output of the next run starts.
func OpenLog(path string) (*os.File, int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, fi.Size(), nil
}

// LogTail returns the last maxLines lines written to path since offset,
// formatted to follow an error message: a newline, path and the lines
// indented by a tab. It returns "" when nothing (but white space) was
// written or the file cannot be read.
func LogTail(path string, offset int64, maxLines int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	data, err := io.ReadAll(io.NewSectionReader(f, offset, maxTailBytes))
	if err != nil || len(bytes.TrimSpace(data)) == 0 {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > maxLines {
		lines = lines[len(lines)-maxLines:]
	}
	return "\n" + path + ":\n\t" + strings.Join(lines, "\n\t")
}
