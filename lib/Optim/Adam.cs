using Diffusion.Nn;
using Diffusion.Tensors;

namespace Diffusion.Optim;

/// <summary>
/// Adam (Kingma and Ba, 2015) with PyTorch 1.13's semantics (<c>torch.optim.Adam</c>, single-tensor path).
/// </summary>
/// <remarks>
/// For each parameter p with gradient g, at step t:
/// <code>
/// g  = g + weight_decay * p                       (Adam: L2 penalty folded into the gradient)
/// m  = beta1 * m + (1 - beta1) * g
/// v  = beta2 * v + (1 - beta2) * g * g
/// v̂  = max(v̂, v) if amsgrad else v
/// p -= lr / (1 - beta1^t) * m / (sqrt(v̂) / sqrt(1 - beta2^t) + eps)
/// </code>
/// <see cref="AdamW"/> replaces the first line by the decoupled decay p *= 1 - lr * weight_decay.
/// All updates are in place, in the step's scope, so training runs in flat memory.
/// </remarks>
public class Adam : Optimizer
{
    private readonly Dictionary<string, AdamState> _state = new();

    /// <summary>Adam over a module's parameters (state-dict keys use the parameters' dotted names).</summary>
    public Adam(Module module, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : this(module?.NamedParameters() ?? throw new ArgumentNullException(nameof(module)), lr, beta1, beta2, eps, weightDecay, amsgrad)
    {
    }

    /// <summary>Adam over <paramref name="parameters"/> (named <c>0</c>, <c>1</c>, ... in the state dict).</summary>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : this(Numbered(parameters), lr, beta1, beta2, eps, weightDecay, amsgrad)
    {
    }

    /// <summary>Adam over named parameters.</summary>
    public Adam(IEnumerable<(string Name, Tensor Parameter)> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : base(parameters, lr)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1)");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be >= 0");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be >= 0");
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        AmsGrad = amsgrad;
    }

    /// <summary>Decay rate of the first-moment estimate.</summary>
    public double Beta1 { get; }

    /// <summary>Decay rate of the second-moment estimate.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator for stability.</summary>
    public double Eps { get; }

    /// <summary>The weight-decay coefficient.</summary>
    public double WeightDecay { get; }

    /// <summary>True to use the running maximum of the second moment (AMSGrad).</summary>
    public bool AmsGrad { get; }

    /// <summary>True when weight decay is decoupled from the gradient (AdamW).</summary>
    protected virtual bool DecoupledWeightDecay => false;

    /// <inheritdoc/>
    protected override void Update(string name, Tensor parameter, Tensor grad)
    {
        var s = StateOf(name, parameter);
        s.Step++;
        s.StepTensor.Add_(1.0);
        double lr = LearningRate;

        if (WeightDecay != 0)
        {
            if (DecoupledWeightDecay)
            {
                parameter.Mul_(1 - lr * WeightDecay);
            }
            else
            {
                grad = parameter.Mul(WeightDecay).Add_(grad);
            }
        }

        s.ExpAvg.Mul_(Beta1).Add_(grad, 1 - Beta1);
        s.ExpAvgSq.Mul_(Beta2).Addcmul_(grad, grad, 1 - Beta2);

        double biasCorrection1 = 1 - Math.Pow(Beta1, s.Step);
        double biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, s.Step));
        double stepSize = lr / biasCorrection1;

        Tensor second = s.ExpAvgSq;
        if (s.MaxExpAvgSq is { } max)
        {
            max.Copy_(max.Maximum(s.ExpAvgSq));
            second = max;
        }
        var denom = second.Sqrt().Div_(biasCorrection2Sqrt).Add_(Eps);
        parameter.Addcdiv_(s.ExpAvg, denom, -stepSize);
    }

    private AdamState StateOf(string name, Tensor parameter)
    {
        if (!_state.TryGetValue(name, out var s))
        {
            using var outside = TensorScope.Outside();
            s = new AdamState(
                Torch.ZerosLike(parameter),
                Torch.ZerosLike(parameter),
                AmsGrad ? Torch.ZerosLike(parameter) : null,
                Torch.Zeros([], DType.Float32, parameter.Device));
            _state[name] = s;
        }
        return s;
    }

    /// <summary>
    /// Per parameter <c>{name}.step</c> (a 0-d float32 tensor, as PyTorch 1.13 keeps it), <c>{name}.exp_avg</c>,
    /// <c>{name}.exp_avg_sq</c> and, with AMSGrad, <c>{name}.max_exp_avg_sq</c>; parameters not yet stepped have none.
    /// </summary>
    public override OrderedDictionary<string, Tensor> StateDict()
    {
        var d = new OrderedDictionary<string, Tensor>();
        foreach (var (name, _) in NamedParameters)
        {
            if (_state.TryGetValue(name, out var s))
            {
                d[name + ".step"] = s.StepTensor;
                d[name + ".exp_avg"] = s.ExpAvg;
                d[name + ".exp_avg_sq"] = s.ExpAvgSq;
                if (s.MaxExpAvgSq is not null)
                {
                    d[name + ".max_exp_avg_sq"] = s.MaxExpAvgSq;
                }
            }
        }
        return d;
    }

    /// <inheritdoc/>
    public override void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var errors = new List<string>();
        foreach (var (name, p) in NamedParameters)
        {
            if (!stateDict.ContainsKey(name + ".step"))
            {
                continue;
            }
            foreach (var key in Keys(name))
            {
                if (!stateDict.TryGetValue(key, out var t))
                {
                    errors.Add($"missing key \"{key}\"");
                }
                else if (!key.EndsWith(".step", StringComparison.Ordinal) && !t.Shape.AsSpan().SequenceEqual(p.Shape))
                {
                    errors.Add($"size mismatch for {key}: {Tensor.FormatShape(t.Shape)} in the state dict, {Tensor.FormatShape(p.Shape)} for the parameter");
                }
            }
        }
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"Error(s) in loading the state of {GetType().Name}:\n\t" + string.Join("\n\t", errors));
        }
        using var noGrad = Torch.NoGrad();
        long maxStep = 0;
        foreach (var (name, p) in NamedParameters)
        {
            if (!stateDict.TryGetValue(name + ".step", out var step))
            {
                continue;
            }
            var s = StateOf(name, p);
            s.StepTensor.Copy_(step);
            s.Step = (long)Math.Round(step.ToDouble());
            s.ExpAvg.Copy_(stateDict[name + ".exp_avg"]);
            s.ExpAvgSq.Copy_(stateDict[name + ".exp_avg_sq"]);
            if (s.MaxExpAvgSq is not null)
            {
                s.MaxExpAvgSq.Copy_(stateDict[name + ".max_exp_avg_sq"]);
            }
            maxStep = Math.Max(maxStep, s.Step);
        }
        StepCount = maxStep;
    }

    private IEnumerable<string> Keys(string name)
    {
        yield return name + ".step";
        yield return name + ".exp_avg";
        yield return name + ".exp_avg_sq";
        if (AmsGrad)
        {
            yield return name + ".max_exp_avg_sq";
        }
    }

    /// <inheritdoc/>
    protected override void DisposeState()
    {
        foreach (var s in _state.Values)
        {
            s.ExpAvg.Dispose();
            s.ExpAvgSq.Dispose();
            s.MaxExpAvgSq?.Dispose();
            s.StepTensor.Dispose();
        }
        _state.Clear();
    }

    private sealed class AdamState(Tensor expAvg, Tensor expAvgSq, Tensor? maxExpAvgSq, Tensor stepTensor)
    {
        public Tensor ExpAvg { get; } = expAvg;

        public Tensor ExpAvgSq { get; } = expAvgSq;

        public Tensor? MaxExpAvgSq { get; } = maxExpAvgSq;

        public Tensor StepTensor { get; } = stepTensor;

        public long Step { get; set; }
    }
}
