// Package todo holds the one error every koan stub returns until the learner
// replaces its body.
//
// The runner looks for its text in test output to tell a koan that has not
// been started from one that has been answered wrongly.
package todo

import "errors"

// Err is returned by stubs: "this is yours to write".
var Err = errors.New(Text)

// Text is Err's message, which the runner searches test output for.
const Text = "TODO: not implemented yet (replace this stub's body with your answer)"
