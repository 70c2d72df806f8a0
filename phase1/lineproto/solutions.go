//go:build solutions

package lineproto

import ref "github.com/netkoans/netkoans/solutions/phase1/lineproto"

type (
	Reader  = ref.Reader
	Writer  = ref.Writer
	Command = ref.Command
)

const (
	MaxLineLength = ref.MaxLineLength
	MaxKeys       = ref.MaxKeys
	IdleTimeout   = ref.IdleTimeout
)

var (
	ErrLineTooLong = ref.ErrLineTooLong
	ErrLineBreak   = ref.ErrLineBreak

	NewReader    = ref.NewReader
	NewWriter    = ref.NewWriter
	ParseCommand = ref.ParseCommand
	Handle       = ref.Handle
)
