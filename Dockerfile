# syntax=docker/dockerfile:1
#
# The gateway image: build with the .NET 10 SDK, run on the ASP.NET Core 10 runtime (Ubuntu 24.04).
#
#   docker build -t gb28181-gateway .
#   docker run --network host -v /etc/gb28181-gateway:/etc/gb28181-gateway:ro \
#     gb28181-gateway --config=/etc/gb28181-gateway/appsettings.json
#
# Without arguments the gateway reads the sample config/appsettings.json baked in at /app/config.
# Any key can be overridden with an environment variable: Gateway__Sip__Port=5060, Gateway__Redis__Configuration=...
# deploy/docker-compose.yml runs it with Redis, Mosquitto, Prometheus and Grafana; deploy/README.md explains the ports.
#
# Multi-architecture (x64 and arm64, e.g. Kunpeng servers): the SDK stage runs on the build machine's own
# architecture and produces portable IL (no apphost), so `docker buildx build --platform linux/arm64 .` needs no
# emulation for the compile and the runtime stage pulls the arm64 runtime image.

ARG DOTNET_VERSION=10.0

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
WORKDIR /src

# Restore layer: only what restore reads, so it is rebuilt only when a project file or package version changes.
# The project is restored rather than Gb28181Gateway.sln: the solution also lists the test and benchmark
# projects, whose packages (xunit, BenchmarkDotNet) do not belong in the image. The solution file is copied so
# the layer is invalidated when projects are added to it.
COPY Gb28181Gateway.sln Directory.Build.props Directory.Packages.props ./
COPY src/Gb28181Gateway/Gb28181Gateway.csproj src/Gb28181Gateway/
COPY src/Gb28181Gateway.Sip/Gb28181Gateway.Sip.csproj src/Gb28181Gateway.Sip/
COPY src/Gb28181Gateway.Protocol/Gb28181Gateway.Protocol.csproj src/Gb28181Gateway.Protocol/
COPY src/Gb28181Gateway.Media/Gb28181Gateway.Media.csproj src/Gb28181Gateway.Media/
COPY src/Gb28181Gateway.Cascade/Gb28181Gateway.Cascade.csproj src/Gb28181Gateway.Cascade/
COPY src/Gb28181Gateway.Integrations/Gb28181Gateway.Integrations.csproj src/Gb28181Gateway.Integrations/
RUN dotnet restore src/Gb28181Gateway/Gb28181Gateway.csproj

# Sources. .editorconfig is part of the build: warnings are errors and analyzer severities are set there.
COPY .editorconfig ./
COPY config/ config/
COPY src/ src/
RUN dotnet publish src/Gb28181Gateway/Gb28181Gateway.csproj \
      --configuration Release --no-restore --output /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
LABEL org.opencontainers.image.title="gb28181-gateway" \
      org.opencontainers.image.description="GB/T 28181 cascading gateway: SIP server for devices, virtual NVR toward superior platforms, RTP relay"

# HTTP (/healthz, /metrics, API) on every interface of the container; with --network host set
# Gateway__Http__Urls=http://127.0.0.1:8080 instead (deploy/docker-compose.yml does) so it stays on the host.
# ASPNETCORE_HTTP_PORTS (8080 in the base image) is cleared so that Gateway:Http:Urls is the only setting that
# decides where HTTP listens.
# GATEWAY_HEALTH_PORT is the port the HEALTHCHECK below connects to on 127.0.0.1.
ENV Gateway__Http__Urls=http://0.0.0.0:8080 \
    ASPNETCORE_HTTP_PORTS= \
    GATEWAY_HEALTH_PORT=8080 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1

WORKDIR /app
COPY --from=build /app ./

# SIP toward devices (and the platforms, unless a platform has its own LocalPort: publish those too).
EXPOSE 5060/udp 5060/tcp
# RTP relay port pool, Gateway:Media:PortMin..PortMax (UDP, and TCP for tcp-passive/tcp-active streams).
EXPOSE 30000-30999/udp 30000-30999/tcp
# HTTP: health, metrics, API. Keep it off public networks.
EXPOSE 8080/tcp

# The base image's unprivileged "app" user (uid 1654). No port below 1024 is needed: SIP is 5060.
USER $APP_UID

# The image has no curl or wget, and adding them would mean running apt as root in the image. bash (present in
# the Ubuntu base) can open a TCP connection itself through /dev/tcp: send GET /healthz, require a 200 status
# line. Docker kills the probe after --timeout if the gateway accepts but never answers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${GATEWAY_HEALTH_PORT} && printf 'GET /healthz HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q '^HTTP/1\\.[01] 200 '"]

ENTRYPOINT ["dotnet", "/app/Gb28181Gateway.dll"]
