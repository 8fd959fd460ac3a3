package proc

import "errors"

// ErrSwitchUserUnsupported is returned by [Start] when [Options.Credential]
// is set on a system where [SwitchUserSupported] is false.
var ErrSwitchUserUnsupported = errors.New("running children as another user is only supported on Linux: run as a normal user")
