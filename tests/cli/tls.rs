//! TLS trust: a provider behind a certificate from a CA the test generates (a
//! private CA, or a TLS-inspecting proxy) is reachable when SSL_CERT_FILE or
//! SSL_CERT_DIR names that CA, and refused once, with a hint, when nothing does.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::harness::{stderr_of, stdout_of, Env};
use crate::support::{demo_markdown, FakeMineru, TOKEN};

/// A CA (its PEM) and a server certificate for localhost signed by it.
fn generate_ca_and_leaf() -> (String, CertificateDer<'static>, PrivateKeyDer<'static>) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "docpipe test CA");
    ca.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    (ca_cert.pem(), leaf_cert.der().clone(), key)
}

/// A TLS front on 127.0.0.1:0 for a plain-HTTP fake: it ends TLS, passes one
/// request (the fakes close each connection after one answer) to `backend` and
/// the answer back. Counts handshakes started.
struct TlsFront {
    port: u16,
    connections: Arc<AtomicUsize>,
}

impl TlsFront {
    fn start(backend: u16, cert: CertificateDer<'static>, key: PrivateKeyDer<'static>) -> TlsFront {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let count = connections.clone();
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                count.fetch_add(1, Ordering::SeqCst);
                let config = config.clone();
                std::thread::spawn(move || {
                    let conn = rustls::ServerConnection::new(config).unwrap();
                    let tls = rustls::StreamOwned::new(conn, tcp);
                    let _ = relay(tls, backend);
                });
            }
        });
        TlsFront { port, connections }
    }

    fn base_url(&self) -> String {
        format!("https://localhost:{}", self.port)
    }
}

/// One request from `tls` to the backend (head, then Content-Length bytes of
/// body), and its whole answer back.
fn relay(
    tls: rustls::StreamOwned<rustls::ServerConnection, TcpStream>,
    backend: u16,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(tls);
    let mut head = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        head.extend_from_slice(line.as_bytes());
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    let mut up = TcpStream::connect(("127.0.0.1", backend))?;
    up.write_all(&head)?;
    up.write_all(&body)?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer)?;
    let mut tls = reader.into_inner();
    tls.write_all(&answer)?;
    tls.conn.send_close_notify();
    tls.flush()
}

fn port_of(base_url: &str) -> u16 {
    base_url
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .parse()
        .unwrap()
}

/// MinerU's API behind the TLS front (a URL input: JSON requests); its CDN
/// stays plain HTTP.
fn ocr(env: &Env, front: &TlsFront, trust: &[(&str, &std::path::Path)]) -> std::process::Output {
    let mut cmd = env.bare();
    cmd.env("DOCPIPE_MINERU_BASE_URL", front.base_url())
        .env("MINERU_API_KEY", TOKEN)
        .env("DOCPIPE_RETRY_BASE", "5ms");
    for (var, path) in trust {
        cmd.env(var, path);
    }
    cmd.args(["-p", "mineru", "ocr", "https://docs.example.org/a.pdf"])
        .output()
        .unwrap()
}

fn assert_markdown(out: &std::process::Output) {
    assert!(out.status.success(), "{}", stderr_of(out));
    assert_eq!(stdout_of(out).trim_end(), demo_markdown().trim_end());
}

#[test]
fn a_private_ca_is_trusted_through_ssl_cert_file() {
    let (ca, cert, key) = generate_ca_and_leaf();
    let fake = FakeMineru::start();
    let front = TlsFront::start(port_of(&fake.base_url()), cert, key);
    let env = Env::new();
    let ca_file = env.work.path().join("private-ca.pem");
    std::fs::write(&ca_file, &ca).unwrap();
    let out = ocr(&env, &front, &[("SSL_CERT_FILE", &ca_file)]);
    assert_markdown(&out);
    assert!(
        front.connections.load(Ordering::SeqCst) >= 2,
        "the API went through TLS"
    );
}

#[test]
fn a_private_ca_is_trusted_through_ssl_cert_dir() {
    let (ca, cert, key) = generate_ca_and_leaf();
    let fake = FakeMineru::start();
    let front = TlsFront::start(port_of(&fake.base_url()), cert, key);
    let env = Env::new();
    let dir = env.work.path().join("certs");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("private-ca.pem"), &ca).unwrap();
    let out = ocr(&env, &front, &[("SSL_CERT_DIR", &dir)]);
    assert_markdown(&out);
}

#[test]
fn an_untrusted_certificate_is_refused_once_with_a_hint() {
    let (_, cert, key) = generate_ca_and_leaf();
    let fake = FakeMineru::start();
    let front = TlsFront::start(port_of(&fake.base_url()), cert, key);
    let env = Env::new();
    let out = ocr(&env, &front, &[]);
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert!(err.contains("certificate is not trusted"), "{err}");
    assert!(err.contains("SSL_CERT_FILE"), "{err}");
    assert_eq!(
        front.connections.load(Ordering::SeqCst),
        1,
        "a refused certificate is not retried"
    );
    assert_eq!(fake.tasks_created(), 0);
}
