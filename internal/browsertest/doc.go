// Package browsertest drives Debian's headless Chromium from Go tests
// through chromedp, and checks what a page does in a real browser: console
// errors, uncaught exceptions and failed requests; a screenshot that is not
// blank; chart canvases that are not empty; no horizontal overflow at a
// given width; and an axe-core accessibility audit (axe-core vendored from
// npm under vendor/axe-core with its licence and checksums).
//
// It is test support only. A missing chromium fails under CI=true and
// skips elsewhere (internal/testbin).
package browsertest
