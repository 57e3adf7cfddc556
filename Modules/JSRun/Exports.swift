// The umbrella module: `import JSRun` gives every JSRun module.
@_exported import Convert
@_exported import Isolate
@_exported import Loader
@_exported import Ops
@_exported import Platform
