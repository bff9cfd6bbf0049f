#[test]
fn deep() {
    let wasm = wat::parse_file("/tmp/scratch/deep.wat").unwrap();
    // i32 arg 999: edge bytes: ratio byte (odd => edge?) then value
    let args = 999i32.to_le_bytes();
    let mut bytes = vec![1u8];
    bytes.extend_from_slice(&args);
    std::thread::Builder::new().stack_size(64 << 20).spawn(move || {
        let stats = ward_fuzz::differential_module(&wasm, &bytes);
        println!("{stats:?}");
    }).unwrap().join().unwrap();
}
