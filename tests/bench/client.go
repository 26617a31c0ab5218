// client.go: the Go peer of tests/bench/run.sh. One HTTPS GET with the
// Authorization header, trusting only the CA certificates in a given file
// (the same trust source the other clients get), the body read and dropped.
//
// usage: client -cacert FILE URL   (token from $ATLWHO_TOKEN)
// Standard library only; built with CGO_ENABLED=0 into a static binary.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
)

func main() {
	cacert := flag.String("cacert", "", "PEM file with the CA certificates to trust")
	flag.Parse()
	if flag.NArg() != 1 || *cacert == "" {
		fmt.Fprintln(os.Stderr, "usage: client -cacert FILE URL")
		os.Exit(2)
	}
	pem, err := os.ReadFile(*cacert)
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(2)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		fmt.Fprintln(os.Stderr, "client: no certificates in", *cacert)
		os.Exit(2)
	}
	tr := &http.Transport{
		TLSClientConfig:    &tls.Config{RootCAs: pool},
		DisableCompression: true, // like the other clients: no Accept-Encoding
		DisableKeepAlives:  true, // one request, like Connection: close
	}
	req, err := http.NewRequest("GET", flag.Arg(0), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(2)
	}
	req.Header.Set("Authorization", "Bearer "+os.Getenv("ATLWHO_TOKEN"))
	req.Header.Set("Accept", "application/json")
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(5)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "client: reading the body:", err)
		os.Exit(5)
	}
	if resp.StatusCode != 200 {
		fmt.Fprintln(os.Stderr, "client: HTTP", resp.StatusCode)
		os.Exit(7)
	}
}
