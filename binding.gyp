{
  "targets": [
    {
      "target_name": "gnvpro_kernels",
      "sources": ["native/gnvpro_kernels.c"],
      "include_dirs": [
        "<!@(bash scripts/build-native.sh --include-dirs)"
      ],
      "cflags": ["-O3", "-fno-trapping-math", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["<!@(bash scripts/build-native.sh --libs)"]
    }
  ]
}
