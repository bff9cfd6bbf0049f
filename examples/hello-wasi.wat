;; A WASI program: writes "Hello, world!" to standard output with fd_write.
;;
;;   cargo run --release -- run examples/hello-wasi.wat
(module
  ;; fd_write(fd, iovs, iovs_len, nwritten) -> errno
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))

  (memory (export "memory") 1)

  ;; The text, at offset 16.
  (data (i32.const 16) "Hello, world!\n")

  (func (export "_start")
    ;; One iovec at offset 0: the text's address and length.
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 14))
    ;; Write it to standard output (fd 1); the count of bytes written goes to offset 8.
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
)
