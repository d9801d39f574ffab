# FHIR record service (Telehealth.Fhir). Build context: the repository root, e.g.
#   docker build -f compose/fhir.Dockerfile -t telehealth-fhir .
# or through compose/docker-compose.yml.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project file and the shared props only, so the package layer
# is reused while only source files change.
COPY Directory.Build.props Directory.Packages.props ./
COPY Telehealth.Fhir/Telehealth.Fhir.csproj Telehealth.Fhir/
RUN dotnet restore Telehealth.Fhir/Telehealth.Fhir.csproj
COPY Telehealth.Fhir/ Telehealth.Fhir/
RUN dotnet publish Telehealth.Fhir/Telehealth.Fhir.csproj -c Release --no-restore \
      -o /app /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
# The non-root user the .NET images ship with.
USER $APP_UID
ENTRYPOINT ["dotnet", "Telehealth.Fhir.dll"]
