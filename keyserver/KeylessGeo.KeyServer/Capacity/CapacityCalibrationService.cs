using KeylessGeo.KeyServer.Admission;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Keys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Capacity;

/// <summary>
/// Calibrates capacity in the background after start-up (it never delays the host): each
/// algorithm is measured for CalibrationDuration / 7 on one thread; the result also seeds
/// admission control's service time estimates.
/// </summary>
internal sealed class CapacityCalibrationService : BackgroundService
{
    private readonly CapacityState _state;
    private readonly AdmissionController _admission;
    private readonly KeyServerOptions _options;
    private readonly ILogger<CapacityCalibrationService> _logger;

    public CapacityCalibrationService(CapacityState state, AdmissionController admission, IOptions<KeyServerOptions> options, ILogger<CapacityCalibrationService> logger)
    {
        _state = state;
        _admission = admission;
        _options = options.Value;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var accelerator = _state.Accelerator;
        if (accelerator.Kind.Length > 0)
        {
            KeyServerLog.AcceleratorInUse(_logger, accelerator.Kind, accelerator.Source, accelerator.Multiplier);
        }

        if (_options.Admission.CalibrationDuration <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        return Task.Factory.StartNew(() => Calibrate(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Measures every algorithm in turn.</summary>
    internal void Calibrate(CancellationToken cancellationToken)
    {
        var perAlgorithm = _options.Admission.CalibrationDuration / KeyAlgorithms.All.Count;
        foreach (var algorithm in KeyAlgorithms.All)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                var serviceTime = CapacityCalibrator.MeasureServiceTime(algorithm, perAlgorithm, cancellationToken);
                _admission.ServiceTimes.Seed(algorithm, serviceTime);
                var perSecond = _state.Record(algorithm, serviceTime, _options.Admission.Workers);
                KeyServerLog.CalibrationCompleted(_logger, algorithm.Name(), perSecond);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                KeyServerLog.CalibrationFailed(_logger, algorithm.Name(), e);
            }
        }
    }
}
