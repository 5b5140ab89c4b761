// Package web is the dashboard of `hashfall serve`: HTML, CSS and a little
// plain JavaScript, embedded in the binary, that read only serve's JSON API
// (/api/v1/...) and refresh on its Server-Sent Events. Charts are drawn by
// uPlot, vendored from npm under vendor/uplot with its licence and version.
// No CDN, no web fonts, no build step.
package web
