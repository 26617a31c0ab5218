// client.go: the Go peer of tests/bench/run.sh. One HTTPS GET with the
// Authorization header, trusting only the CA certificates in a given file
// (the same trust source the other clients get), the body read and dropped.
//
// usage: client -cacert FILE URL   (token from $ATLWHO_TOKEN)
//        client -pin sha256//BASE64 URL   (no CA: only the server's key is
//        checked, as atlwho --pin and curl -k --pinnedpubkey do)
// Standard library only; built with CGO_ENABLED=0 into a static binary.
package main

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
)

func main() {
	cacert := flag.String("cacert", "", "PEM file with the CA certificates to trust")
	pin := flag.String("pin", "", "sha256//BASE64 of the server's SubjectPublicKeyInfo (no CA)")
	flag.Parse()
	if flag.NArg() != 1 || (*cacert == "") == (*pin == "") {
		fmt.Fprintln(os.Stderr, "usage: client -cacert FILE URL | client -pin sha256//BASE64 URL")
		os.Exit(2)
	}
	cfg := &tls.Config{}
	if *cacert != "" {
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
		cfg.RootCAs = pool
	} else {
		want := *pin
		cfg.InsecureSkipVerify = true // the pin below is the whole trust
		cfg.VerifyPeerCertificate = func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 {
				return errors.New("no certificate")
			}
			c, err := x509.ParseCertificate(raw[0])
			if err != nil {
				return err
			}
			h := sha256.Sum256(c.RawSubjectPublicKeyInfo)
			if "sha256//"+base64.StdEncoding.EncodeToString(h[:]) != want {
				return errors.New("public key does not match the pin")
			}
			return nil
		}
	}
	tr := &http.Transport{
		TLSClientConfig:    cfg,
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
