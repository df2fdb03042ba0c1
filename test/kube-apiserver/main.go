// Command kube-apiserver runs the real Kubernetes API server (k8s.io/kubernetes/cmd/kube-apiserver/app,
// the code of the kube-apiserver binary) in-process, on an embedded etcd in a temporary directory,
// for egressctl's real-server tests.
//
// It listens on 127.0.0.1 with TLS from a CA of its own, authenticates a bearer token from a static
// token file (the user is in system:masters; RBAC authorizes), writes a kubeconfig (mode 0600,
// context kube-apiserver-local, namespace default), creates the namespace istio-system, and only
// then prints the same two lines as `egressctl serve`:
//
//	Serving on https://127.0.0.1:PORT
//	Kubeconfig: PATH
//
// SIGTERM or SIGINT stops the API server and etcd, removes the temporary directory and exits 0.
// Every kube-apiserver flag is accepted as well (e.g. --service-cluster-ip-range, -v); the flags
// this program wires itself (etcd, serving, token, service accounts) are set only when not given.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"go.etcd.io/etcd/server/v3/embed"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	basecompatibility "k8s.io/component-base/compatibility"
	logsapi "k8s.io/component-base/logs/api/v1"
	"k8s.io/component-base/version"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
	"k8s.io/kubernetes/cmd/kube-apiserver/app/options"
)

const contextName = "kube-apiserver-local"

// Namespaces that must exist before "Serving on" is printed. The API server creates the first
// three itself (a post-start hook); istio-system is created here.
var namespaces = []string{"default", "kube-system", "kube-public", "istio-system"}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube-apiserver: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	s := options.NewServerRunOptions()
	fs := pflag.NewFlagSet("kube-apiserver", pflag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on (port 0: any free port)")
	kubeconfigOut := fs.String("kubeconfig-out", "", "write the kubeconfig here (mode 0600); default: a file in the temporary directory, removed at exit")
	token := fs.String("token", "", "bearer token clients must send (default: a random one, written to the kubeconfig)")
	for _, set := range s.Flags().FlagSets {
		fs.AddFlagSet(set)
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	if *token == "" {
		*token = randomHex(24)
	}

	dir, err := os.MkdirTemp("", "kube-apiserver-local-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// kube-apiserver ends the process itself (klog.Fatal, exit 255) when a post-start hook fails:
	// the temporary directory goes all the same.
	klog.OsExit = func(code int) {
		os.RemoveAll(dir)
		os.Exit(code)
	}
	if *kubeconfigOut == "" {
		*kubeconfigOut = filepath.Join(dir, "kubeconfig")
	} else if st, err := os.Stat(filepath.Dir(*kubeconfigOut)); err != nil || !st.IsDir() {
		return fmt.Errorf("--kubeconfig-out %s: the directory %s does not exist", *kubeconfigOut, filepath.Dir(*kubeconfigOut))
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", *listen, err)
	}
	defer ln.Close() // the server closes it when it stops; this is for the paths that never start it
	addr := ln.Addr().(*net.TCPAddr)
	serverURL := "https://" + net.JoinHostPort(addr.IP.String(), fmt.Sprint(addr.Port))

	etcd, etcdURL, err := startEtcd(filepath.Join(dir, "etcd"))
	if err != nil {
		return err
	}
	defer etcd.Close()

	if !fs.Changed("service-cluster-ip-range") {
		s.ServiceClusterIPRanges = "10.96.0.0/12" // kubeadm's default, and `egressctl serve`'s
	}
	serviceIP, err := firstIP(s.ServiceClusterIPRanges)
	if err != nil {
		return err
	}
	pki, err := writePKI(filepath.Join(dir, "pki"), addr.IP, serviceIP)
	if err != nil {
		return err
	}
	tokenFile := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokenFile, []byte(*token+`,kube-apiserver-local-admin,kube-apiserver-local-admin,"system:masters"`+"\n"), 0o600); err != nil {
		return err
	}

	// What kube-apiserver's own command line would say; a flag given explicitly wins.
	defaults := [][2]string{
		{"etcd-servers", etcdURL},
		{"bind-address", addr.IP.String()},
		{"secure-port", fmt.Sprint(addr.Port)},
		{"advertise-address", addr.IP.String()},
		{"cert-dir", filepath.Join(dir, "pki")},
		{"tls-cert-file", pki.serverCert},
		{"tls-private-key-file", pki.serverKey},
		{"token-auth-file", tokenFile},
		{"authorization-mode", "RBAC"},
		{"service-account-issuer", "https://kubernetes.default.svc.cluster.local"},
		{"service-account-key-file", pki.serviceAccountKey},
		{"service-account-signing-key-file", pki.serviceAccountKey},
		// The "kubernetes" Endpoints may not name a loopback address: no endpoint reconciler.
		{"endpoint-reconciler-type", "none"},
	}
	for _, d := range defaults {
		if !fs.Changed(d[0]) {
			if err := fs.Set(d[0], d[1]); err != nil {
				return fmt.Errorf("--%s=%s: %w", d[0], d[1], err)
			}
		}
	}
	s.SecureServing.Listener = ln // the port is already ours: no race for it

	// As NewAPIServerCommand does before app.Run.
	if err := s.GenericServerRunOptions.ComponentGlobalsRegistry.Set(); err != nil {
		return err
	}
	rest.SetDefaultWarningHandler(rest.NoWarnings{})
	featureGate := s.GenericServerRunOptions.ComponentGlobalsRegistry.FeatureGateFor(basecompatibility.DefaultKubeComponent)
	if err := logsapi.ValidateAndApply(s.Logs, featureGate); err != nil {
		return err
	}
	completed, err := s.Complete(ctx)
	if err != nil {
		return err
	}
	if errs := completed.Validate(); len(errs) != 0 {
		return utilerrors.NewAggregate(errs)
	}

	// app.Run is what the kube-apiserver binary runs; it returns once serverCtx is cancelled and the
	// server has shut down (in-flight requests finished). runErr is read only after stopped closes.
	serverCtx, cancelServer := context.WithCancel(context.Background())
	defer cancelServer()
	var runErr error
	stopped := make(chan struct{})
	go func() { runErr = app.Run(serverCtx, completed); close(stopped) }()
	shutdown := func() {
		cancelServer()
		<-stopped
	}

	// A signal while starting is acted on once the server is ready: cancelled before its post-start
	// hooks are done, kube-apiserver exits with klog.Fatal instead of shutting down.
	cfg := &rest.Config{Host: serverURL, BearerToken: *token, TLSClientConfig: rest.TLSClientConfig{CAData: pki.caPEM}}
	if err := waitReady(cfg, stopped); err != nil {
		shutdown()
		if runErr != nil {
			err = fmt.Errorf("%w: %v", err, runErr)
		}
		return err
	}
	if ctx.Err() != nil {
		shutdown()
		return runErr
	}
	if err := writeKubeconfig(*kubeconfigOut, serverURL, pki.caPEM, *token); err != nil {
		shutdown()
		return err
	}

	fmt.Printf("Serving on %s\nKubeconfig: %s\n", serverURL, *kubeconfigOut)
	select {
	case <-ctx.Done(): // SIGTERM or SIGINT
		shutdown()
		return runErr
	case <-stopped:
		if runErr == nil {
			runErr = errors.New("the API server stopped by itself")
		}
		return runErr
	}
}

// startEtcd starts a single-member etcd on loopback (ports chosen by the kernel) in dir.
func startEtcd(dir string) (*embed.Etcd, string, error) {
	cfg := embed.NewConfig()
	cfg.Name = "kube-apiserver-local"
	cfg.Dir = dir
	cfg.LogLevel = "error"
	cfg.UnsafeNoFsync = true      // throw-away data: a test server is never restarted on it
	cfg.EnableGRPCGateway = false // etcd's JSON gateway would dial the advertised 127.0.0.1:0
	local := url.URL{Scheme: "http", Host: "127.0.0.1:0"}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{local}, []url.URL{local}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{local}, []url.URL{local}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, "", fmt.Errorf("etcd: %w", err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		e.Close()
		return nil, "", fmt.Errorf("etcd: %w", err)
	case <-time.After(60 * time.Second):
		e.Close()
		return nil, "", errors.New("etcd: not ready after 60s")
	}
	return e, "http://" + e.Clients[0].Addr().String(), nil
}

// waitReady waits for /readyz, then for the system namespaces, and creates istio-system.
func waitReady(cfg *rest.Config, stopped <-chan struct{}) error {
	ctx := context.Background()
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(2 * time.Minute)
	poll := func(what string, ok func() bool) error {
		for !ok() {
			if time.Now().After(deadline) {
				return fmt.Errorf("%s: not there after 2 minutes", what)
			}
			select {
			case <-stopped:
				return fmt.Errorf("the API server stopped while starting (waiting for %s)", what)
			case <-time.After(100 * time.Millisecond):
			}
		}
		return nil
	}
	if err := poll("/readyz", func() bool {
		var status int
		client.Discovery().RESTClient().Get().AbsPath("/readyz").Do(ctx).StatusCode(&status)
		return status == 200
	}); err != nil {
		return err
	}
	return poll("the namespaces "+strings.Join(namespaces, ", "), func() bool {
		for _, ns := range namespaces {
			_, err := client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
			if apierrors.IsNotFound(err) && ns == "istio-system" {
				obj := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}
				_, err = client.CoreV1().Namespaces().Create(ctx, obj, metav1.CreateOptions{})
			}
			if err != nil {
				return false
			}
		}
		return true
	})
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// firstIP is the first address of the first service range: the "kubernetes" Service's ClusterIP,
// which the serving certificate names as well.
func firstIP(ranges string) (net.IP, error) {
	first, _, _ := strings.Cut(ranges, ",")
	_, ipnet, err := net.ParseCIDR(first)
	if err != nil {
		return nil, fmt.Errorf("--service-cluster-ip-range: %w", err)
	}
	ip := append(net.IP(nil), ipnet.IP...)
	ip[len(ip)-1]++
	return ip, nil
}

// --version alone prints the version the API server reports (set with -ldflags -X by the build).
func init() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Println(version.Get().GitVersion)
		os.Exit(0)
	}
}
