//! `alipay-local-gateway serve`: the local gateway as a standalone server, so
//! code in any language can be pointed at it (as `stripe-mock` is for
//! Stripe). See the crate docs for the protocol and the control endpoint.

use std::fs;
use std::io::Write;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use alipay_local_gateway::{GatewayConfig, GatewayOptions, LocalGateway, NotifyConfig};
use alipay_runtime::keys::{KeyRole, PrivateKey, PublicKey};
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "alipay-local-gateway",
    version,
    about = "A local Alipay v2 gateway for tests: every spec'd method, signed answers, faults on request"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the gateway until Ctrl-C; prints its URL, app id and keys first.
    Serve(Serve),
}

#[derive(clap::Args)]
struct Serve {
    /// The port to listen on; 0 picks a free one (printed on start).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The address to listen on. Anything but 127.0.0.1 lets other machines
    /// call a gateway that signs as "Alipay" with test keys: only on purpose.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// A spec directory whose methods/*.yaml are served too, on top of the
    /// bundled specs. Repeatable.
    #[arg(long = "specs", value_name = "DIR")]
    specs: Vec<PathBuf>,
    /// The app id requests must carry.
    #[arg(long, default_value = "2021000000000001")]
    app_id: String,
    /// Where the test key pairs are: generated there at first start, reused
    /// afterwards. Default: $XDG_DATA_HOME/alipay-local-gateway/keys (or
    /// ~/.local/share/…).
    #[arg(long, value_name = "DIR")]
    keys_dir: Option<PathBuf>,
    /// The app's public key (bare base64 or PEM) instead of the generated
    /// one; requests are verified with it. Needs --gateway-private-key.
    #[arg(long, value_name = "FILE", requires = "gateway_private_key")]
    app_public_key: Option<PathBuf>,
    /// The key the gateway signs with instead of the generated one; clients
    /// verify with its public half. Needs --app-public-key.
    #[arg(long, value_name = "FILE", requires = "app_public_key")]
    gateway_private_key: Option<PathBuf>,
    /// How many seconds a request's timestamp may be from Beijing time; 0
    /// accepts any well-formed timestamp.
    #[arg(long, default_value_t = 900)]
    timestamp_window_secs: u64,
    /// Answers every method from its spec alone, without the refund ledgers
    /// and seeded trades of the methods that have them.
    #[arg(long)]
    no_plugins: bool,
    /// Divides Alipay's notification redelivery schedule (4m, 10m, 10m, 1h,
    /// 2h, 6h, 15h) by N, so a test does not wait hours: 1 is the real
    /// schedule, 1000 redelivers after 240 ms, 1000000 runs all 25 hours in
    /// about 90 ms.
    #[arg(long, value_name = "N", default_value = "1", value_parser = clock_factor)]
    notify_clock_factor: NonZeroU32,
    /// No line per request on stderr.
    #[arg(long)]
    quiet: bool,
}

/// `--notify-clock-factor`: a whole number from 1 up. clap puts the flag and
/// the value in front of the message.
fn clock_factor(text: &str) -> Result<NonZeroU32, String> {
    text.parse::<NonZeroU32>().map_err(|_| {
        format!(
            "the clock factor must be a whole number from 1 to {}, e.g. 1000 (1 is Alipay's real schedule; N divides its intervals by N)",
            u32::MAX
        )
    })
}

/// The key files, as Alipay's key tool writes them: bare base64, no PEM
/// armour; private keys PKCS#8, public keys SubjectPublicKeyInfo.
const APP_PRIVATE: &str = "app_private_key.txt";
const APP_PUBLIC: &str = "app_public_key.txt";
const ALIPAY_PRIVATE: &str = "alipay_private_key.txt";
const ALIPAY_PUBLIC: &str = "alipay_public_key.txt";

fn main() -> ExitCode {
    let Cli {
        command: Command::Serve(serve),
    } = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(serve)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(serve: Serve) -> Result<(), String> {
    let (app_public_key, gateway_private_key, keys_line) = match (
        &serve.app_public_key,
        &serve.gateway_private_key,
    ) {
        (Some(app), Some(gateway)) => (
            read_public(app)?,
            read_private(gateway)?,
            format!(
                "given: app public key {}, gateway private key {}",
                app.display(),
                gateway.display()
            ),
        ),
        _ => {
            let dir = match &serve.keys_dir {
                Some(dir) => dir.clone(),
                None => default_keys_dir()?,
            };
            let generated = ensure_keys(&dir)?;
            (
                read_public(&dir.join(APP_PUBLIC))?,
                read_private(&dir.join(ALIPAY_PRIVATE))?,
                format!(
                    "{} ({}; sign requests with {APP_PRIVATE}, verify responses with {ALIPAY_PUBLIC})",
                    dir.display(),
                    if generated { "generated now" } else { "reused" }
                ),
            )
        }
    };
    let options = GatewayOptions {
        specs: serve.specs.clone(),
        host: serve.host,
        port: serve.port,
        timestamp_window: (serve.timestamp_window_secs > 0)
            .then(|| Duration::from_secs(serve.timestamp_window_secs)),
        plugins: !serve.no_plugins,
        log: !serve.quiet,
        notify: NotifyConfig {
            clock_factor: serve.notify_clock_factor,
        },
    };
    let gateway = LocalGateway::start_with(
        GatewayConfig {
            app_id: serve.app_id.clone(),
            app_public_key,
            gateway_private_key,
        },
        options,
    )
    .await
    .map_err(|e| {
        format!(
            "error: could not start the gateway on {}:{}: {e}\n  = help: pick another --port (0 picks a free one), or fix the spec directory named above",
            serve.host, serve.port
        )
    })?;
    let base = format!("http://{}", gateway.addr());
    let methods = gateway.methods();
    // One `name: value` per line, so a test or script can read it.
    let banner = format!(
        "alipay-local-gateway {}\nurl: {}\napp_id: {}\nkeys: {keys_line}\ncontrol: {base}/__control/ (POST fault, POST notify_fault, POST seed, POST pay, POST pay_order_string, GET state)\nnotify_clock_factor: {}\nmethods: {} ({})\nstop: Ctrl-C\n",
        env!("CARGO_PKG_VERSION"),
        gateway.url(),
        gateway.app_id(),
        serve.notify_clock_factor,
        methods.len(),
        methods.join(", ")
    );
    let mut stdout = std::io::stdout();
    // A closed stdout only loses the banner; the gateway still serves.
    let _ = stdout.write_all(banner.as_bytes());
    let _ = stdout.flush();
    stopped().await?;
    eprintln!("alipay-local-gateway: stopped");
    drop(gateway);
    Ok(())
}

/// Waits for Ctrl-C (SIGINT) or, on Unix, SIGTERM.
async fn stopped() -> Result<(), String> {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())
            .map_err(|e| format!("error: could not listen for SIGTERM: {e}"))?;
        tokio::select! {
            r = ctrl_c => r.map_err(|e| format!("error: could not listen for Ctrl-C: {e}")),
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        ctrl_c
            .await
            .map_err(|e| format!("error: could not listen for Ctrl-C: {e}"))
    }
}

fn default_keys_dir() -> Result<PathBuf, String> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")));
    data.map(|d| d.join("alipay-local-gateway").join("keys"))
        .ok_or_else(|| {
            "error: no place for the test keys: neither XDG_DATA_HOME nor HOME is set\n  = help: name a directory with --keys-dir".to_owned()
        })
}

/// Makes sure `dir` holds the four key files: generates both pairs if none
/// is there (true), reuses them if all are (false).
fn ensure_keys(dir: &Path) -> Result<bool, String> {
    let names = [APP_PRIVATE, APP_PUBLIC, ALIPAY_PRIVATE, ALIPAY_PUBLIC];
    let present: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| dir.join(n).exists())
        .collect();
    if present.len() == names.len() {
        return Ok(false);
    }
    if !present.is_empty() {
        return Err(format!(
            "error: {} holds only some of the key files ({})\n  = help: remove them to have new pairs generated, or restore {}",
            dir.display(),
            present.join(", "),
            names
                .iter()
                .filter(|n| !present.contains(n))
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    fs::create_dir_all(dir).map_err(|e| {
        format!(
            "error: could not create the key directory {}: {e}",
            dir.display()
        )
    })?;
    for (private, public) in [(APP_PRIVATE, APP_PUBLIC), (ALIPAY_PRIVATE, ALIPAY_PUBLIC)] {
        let pair = KeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| "error: could not generate an RSA-2048 key pair".to_owned())?;
        let private_der: Pkcs8V1Der<'_> = pair
            .as_der()
            .map_err(|_| "error: could not encode the private key".to_owned())?;
        let public_der: PublicKeyX509Der<'_> = pair
            .public_key()
            .as_der()
            .map_err(|_| "error: could not encode the public key".to_owned())?;
        write_key(
            &dir.join(private),
            &STANDARD.encode(private_der.as_ref()),
            true,
        )?;
        write_key(
            &dir.join(public),
            &STANDARD.encode(public_der.as_ref()),
            false,
        )?;
    }
    Ok(true)
}

fn write_key(path: &Path, text: &str, private: bool) -> Result<(), String> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    options
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| {
            format!(
                "error: could not write the key file {}: {e}",
                path.display()
            )
        })
}

fn read_public(path: &Path) -> Result<PublicKey, String> {
    let text = fs::read_to_string(path)
        .map_err(|e| format!("error: could not read the key file {}: {e}", path.display()))?;
    PublicKey::from_text(&text, KeyRole::AppPublicKey)
        .map_err(|e| format!("error: {}: {e}", path.display()))
}

fn read_private(path: &Path) -> Result<PrivateKey, String> {
    let text = fs::read_to_string(path)
        .map_err(|e| format!("error: could not read the key file {}: {e}", path.display()))?;
    PrivateKey::from_text(&text, KeyRole::GatewayPrivateKey)
        .map_err(|e| format!("error: {}: {e}", path.display()))
}
