// The umbrella module: `import JSRun` gives every JSRun module.
@_exported import JSRunConvert
@_exported import JSRunIsolate
@_exported import JSRunLoader
@_exported import JSRunOps
@_exported import JSRunPlatform
