// gotls.go: Go crypto/tls servers (the stack of Caddy and Traefik) that answer
// like Jira, for the interop suite (tests/interop/run.py builds it at test
// time with Debian's golang-go).
//
// It reads a JSON list of listeners on standard input, starts each on
// its Host, 127.0.0.1 or ::1 (ephemeral port), prints "NAME PORT" per listener and then
// "READY", and serves until killed. A listener:
//
//	{"name": "...", "cert": "chain.pem", "key": "key.pem",
//	 "min": "1.2", "max": "1.3", "curves": ["X25519"], "ciphers": ["TLS_ECDHE_..."],
//	 "clientCA": "ca.pem", "reply": "cl|chunked|eof", "closeNotify": true, "host": "::1"}
//
// "cl" and "chunked" go through net/http as Caddy's and Traefik's replies do;
// "eof" (close-delimited) and closeNotify=false take the connection over and
// write the reply by hand, then close it with or without close_notify.
// GET .../rest/api/2/myself with "Authorization: Bearer $INTEROP_TOKEN" gets a
// Jira Data Center user; other credentials get Jira's 401 JSON.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

type listener struct {
	Name, Cert, Key, Min, Max, ClientCA, Reply, Host string
	Curves, Ciphers                                  []string
	CloseNotify                                      *bool
}

const userJSON = `{"self":"https://localhost/rest/api/2/user?username=fred","key":"JIRAUSER19571",` +
	`"name":"fred","emailAddress":"fred@example.com","displayName":"Fred F. User","active":true,` +
	`"deleted":false,"timeZone":"Australia/Sydney","locale":"en_US",` +
	`"groups":{"size":1,"items":[{"name":"jira-user"}]},"expand":"groups"}`
const deniedJSON = `{"errorMessages":["You are not authenticated. Authentication required to perform this operation."],"errors":{}}`

var versions = map[string]uint16{"1.2": tls.VersionTLS12, "1.3": tls.VersionTLS13}
var curves = map[string]tls.CurveID{"X25519": tls.X25519, "P-256": tls.CurveP256, "P-384": tls.CurveP384}

func cipherID(name string) uint16 {
	for _, c := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if c.Name == name {
			return c.ID
		}
	}
	log.Fatalf("gotls: unknown cipher suite %s", name)
	return 0
}

func config(l listener) *tls.Config {
	pair, err := tls.LoadX509KeyPair(l.Cert, l.Key)
	if err != nil {
		log.Fatalf("gotls: %s: %v", l.Name, err)
	}
	c := &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: versions[l.Min], MaxVersion: versions[l.Max]}
	for _, n := range l.Curves {
		c.CurvePreferences = append(c.CurvePreferences, curves[n])
	}
	for _, n := range l.Ciphers {
		c.CipherSuites = append(c.CipherSuites, cipherID(n))
	}
	if l.ClientCA != "" {
		pem, err := os.ReadFile(l.ClientCA)
		if err != nil {
			log.Fatal(err)
		}
		c.ClientCAs = x509.NewCertPool()
		c.ClientCAs.AppendCertsFromPEM(pem)
		c.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return c
}

// closeRaw ends a taken-over connection: close_notify or none, then a FIN, and
// waits for the client to close first so that no RST can destroy the reply.
func closeRaw(c net.Conn, closeNotify bool) {
	tc := c.(*tls.Conn)
	raw := tc.NetConn()
	if closeNotify {
		tc.CloseWrite()
	}
	if t, ok := raw.(*net.TCPConn); ok {
		t.CloseWrite()
	}
	raw.SetReadDeadline(time.Now().Add(10 * time.Second))
	io.Copy(io.Discard, raw)
	raw.Close()
}

func handler(l listener, token string) http.HandlerFunc {
	closeNotify := l.CloseNotify == nil || *l.CloseNotify
	return func(w http.ResponseWriter, r *http.Request) {
		ok := r.Header.Get("Authorization") == "Bearer "+token && strings.HasSuffix(r.URL.Path, "/rest/api/2/myself")
		body, status := userJSON, "200 OK"
		if !ok {
			body, status = deniedJSON, "401 Unauthorized"
		}
		if l.Reply == "eof" || !closeNotify {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				log.Printf("gotls: hijack: %v", err)
				return
			}
			head := "HTTP/1.1 " + status + "\r\nContent-Type: application/json;charset=UTF-8\r\nConnection: close\r\n"
			if l.Reply != "eof" {
				head += fmt.Sprintf("Content-Length: %d\r\n", len(body))
			}
			buf.WriteString(head + "\r\n" + body)
			buf.Flush()
			closeRaw(conn, closeNotify)
			return
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Header().Set("X-AREQUESTID", "913x1x1")
		if l.Reply == "cl" {
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		}
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
		}
		if l.Reply == "chunked" {
			io.WriteString(w, body[:len(body)/2])
			w.(http.Flusher).Flush()
			io.WriteString(w, body[len(body)/2:])
			return
		}
		io.WriteString(w, body)
	}
}

func main() {
	var ls []listener
	if err := json.NewDecoder(os.Stdin).Decode(&ls); err != nil {
		log.Fatalf("gotls: config: %v", err)
	}
	token := os.Getenv("INTEROP_TOKEN")
	for _, l := range ls {
		host := l.Host
		if host == "" {
			host = "127.0.0.1"
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			log.Fatal(err)
		}
		srv := &http.Server{Handler: handler(l, token), TLSConfig: config(l),
			ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(os.Stderr, l.Name+": ", 0)}
		if l.Reply == "eof" || (l.CloseNotify != nil && !*l.CloseNotify) || len(l.Ciphers) > 0 {
			// HTTP/1.1 only where connections are taken over, and where the
			// cipher suites are not the ones HTTP/2 requires (net/http refuses them).
			srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
		}
		fmt.Printf("%s %d\n", l.Name, ln.Addr().(*net.TCPAddr).Port)
		go func(name string) { log.Printf("gotls: %s: %v", name, srv.ServeTLS(ln, "", "")) }(l.Name)
	}
	fmt.Println("READY")
	select {}
}
