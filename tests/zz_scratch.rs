use statrs::function::gamma::ln_gamma;
#[test]
fn dump() {
    let mut out = String::new();
    for i in 0..=4000 { let x = 1.0 + i as f64 * 0.0005; out += &format!("{:e} {:e}\n", x, ln_gamma(x)); }
    for b in [3.0f64, 10.5, 50.0, 101.0, 333.3, 1001.0, 301.0] { for d in [-1.0, -0.3, 0.0, 0.05, 0.7, 1.0] { let x = b + d; out += &format!("{:e} {:e}\n", x, ln_gamma(x)); } }
    std::fs::write("/tmp/lngamma.txt", out).unwrap();
}
