# One image per service, from the same recipe. Build context: the repository root, e.g.
#   docker build -f compose/service.Dockerfile --build-arg PROJECT_DIR=Telehealth.Fhir --build-arg APP=Telehealth.Fhir -t telehealth-fhir .
# or through compose/docker-compose.yml (fhir, identity, api).
ARG PROJECT_DIR=Telehealth.Fhir
ARG APP=Telehealth.Fhir

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG PROJECT_DIR
ARG APP
WORKDIR /src
# Restore first, from the project file and the shared props only, so the package layer
# is reused while only source files change.
# Telehealth.ServiceDefaults (shared by the services) comes along whether or not this one uses it.
COPY Directory.Build.props Directory.Packages.props ./
COPY Telehealth.ServiceDefaults/Telehealth.ServiceDefaults.csproj Telehealth.ServiceDefaults/
COPY ${PROJECT_DIR}/${APP}.csproj ${PROJECT_DIR}/
RUN dotnet restore ${PROJECT_DIR}/${APP}.csproj
COPY Telehealth.ServiceDefaults/ Telehealth.ServiceDefaults/
COPY ${PROJECT_DIR}/ ${PROJECT_DIR}/
RUN dotnet publish ${PROJECT_DIR}/${APP}.csproj -c Release --no-restore \
      -o /app /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
ARG APP
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_HTTP_PORTS=8080 APP_DLL=${APP}.dll
EXPOSE 8080
# The non-root user the .NET images ship with.
USER $APP_UID
ENTRYPOINT ["/bin/sh", "-c", "exec dotnet \"$APP_DLL\""]
