// Test classes run in parallel again (xunit's default: one collection per class, as many at once as there are cores);
// the classes that read process-wide state join SerialCollection, which runs alone after the others.
//
// From issue 24 until then the suite ran serially: TorchSharp 0.107's temporaries (the Scalar of x / 3.0 in its operators,
// Adam and schedulers; a temporary tensor such as x.neg() in x.neg().mul(y)) could be finalized by a garbage collection
// that another test's allocations started while LibTorch still read them ("Expected false to be true" from
// c10::Scalar::toDouble, or a segmentation fault). The build now rewrites TorchSharp.dll so that every method calling
// LibTorch keeps them alive until it returns (Directory.Build.targets, environment/build/TorchSharpLifetimes.cs), and
// tests/Engine/LifetimeStressTests.cs shows the stock assembly failing and the rewritten one holding under forced collections.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, DisableTestParallelization = false)]
